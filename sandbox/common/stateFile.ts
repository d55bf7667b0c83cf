import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

/** Bumped when a sandbox's state changes shape: an older file is refused with a message, never half-read. */
const STATE_FILE_VERSION = 1;
const SAVE_AFTER_MS = 500;

interface StateFile {
  version: number;
  sandbox: string;
  state: unknown;
}

/** JSON has no Map; the sandboxes' records live in Maps (some nested, e.g. a webhook's last payloads). */
function encodeMaps(_key: string, value: unknown): unknown {
  return value instanceof Map ? { $map: [...value.entries()] } : value;
}

function decodeMaps(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const entries = (value as { $map?: unknown }).$map;
    if (keys.length === 1 && Array.isArray(entries)) return new Map(entries as Array<[unknown, unknown]>);
  }
  return value;
}

export function encodeSandboxState(sandbox: string, state: unknown): string {
  const file: StateFile = { version: STATE_FILE_VERSION, sandbox, state };
  return JSON.stringify(file, encodeMaps);
}

/** The state a file holds, or an error naming the file and what to do: a sandbox never starts on a guess. */
export function decodeSandboxState<State>(sandbox: string, text: string, file: string): State {
  const refuse = (why: string) =>
    new Error(`the ${sandbox} sandbox's state file ${file} ${why}; delete it to start that sandbox afresh`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, decodeMaps);
  } catch (err) {
    throw refuse(`is not valid JSON (${(err as Error).message})`);
  }
  const candidate = parsed as Partial<StateFile> | null;
  if (!candidate || typeof candidate !== 'object' || candidate.sandbox !== sandbox)
    throw refuse(`is not a ${sandbox} sandbox's state`);
  if (candidate.version !== STATE_FILE_VERSION)
    throw refuse(`was written in format ${String(candidate.version)}, and this version reads ${STATE_FILE_VERSION}`);
  if (!candidate.state || typeof candidate.state !== 'object') throw refuse('holds no state');
  return candidate.state as State;
}

/**
 * Keeps a sandbox's records in `file`, so the embedded sandboxes of `matterpay start` carry on after a restart as
 * the store and the engine do: the firm's Clio connection, its matters and ids, LawPay's transactions. Loaded once
 * here; written (to a temporary file, then renamed, so a crash leaves the old file or the new, never half of one)
 * shortly after any request, since requests are what change a sandbox, and once more when the server closes.
 */
export function keepSandboxStateIn<State>(options: {
  app: FastifyInstance;
  file: string;
  sandbox: string;
  read: () => State;
  replace: (state: State) => void;
}): void {
  const { app, file, sandbox } = options;
  if (fs.existsSync(file)) options.replace(decodeSandboxState<State>(sandbox, fs.readFileSync(file, 'utf8'), file));
  fs.mkdirSync(path.dirname(file), { recursive: true });

  let written = '';
  let timer: NodeJS.Timeout | null = null;
  const save = () => {
    timer = null;
    const text = encodeSandboxState(sandbox, options.read());
    if (text === written) return;
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, text, { mode: 0o600 });
    fs.renameSync(temporary, file);
    written = text;
  };
  app.addHook('onResponse', async () => {
    // Unref'd: the close hook saves what a pending timer would have.
    timer ??= setTimeout(save, SAVE_AFTER_MS).unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearTimeout(timer);
    save();
  });
}
