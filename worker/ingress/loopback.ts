/** Whether a URL names this machine (127.0.0.0/8, localhost, ::1): the ingress is then not published. */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
