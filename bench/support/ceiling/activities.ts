export async function echo(value: string): Promise<string> {
  return value;
}
