/**
 * Which `.eml` file holds each idempotency key's message, as one small file per key in the outbox's hidden `.keys`
 * folder. A send looks up its own key instead of listing the outbox: the folder keeps every message a firm ever sent,
 * so a listing per send grows with the firm's history.
 *
 * A key is claimed by hard-linking a finished temporary file to its name, which either succeeds whole or finds the
 * key already claimed: two senders of one key agree on one file name, and a crash leaves no half-written claim.
 * An outbox written before this index existed is indexed once, from its file names, the first time it is used.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

export interface OutboxKeyIndex {
  /** Resolves once the index exists (building it from an older outbox's file names the first time). */
  ready(): Promise<void>;
  /** The file name claimed for this key hash, or null when none is. */
  fileFor(hash: string): Promise<string | null>;
  /** Claims `name` for the key, or returns the name already claimed for it. */
  claim(hash: string, name: string): Promise<string>;
}

const KEYS_FOLDER = '.keys';
/** `20261121T110355Z-<32 hex>.eml`, the outbox's own file names (outbox.ts). */
const MESSAGE_FILE = /^[0-9TZ]+-([0-9a-f]{32})\.eml$/;

/** Writes a new file (never one already there) and syncs it, so whoever finds it finds all of it. */
export async function writeWhole(file: string, content: string | Buffer): Promise<void> {
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === code;
}

export async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    (error: unknown) => {
      if (isCode(error, 'ENOENT')) return false;
      throw error;
    },
  );
}

export function outboxKeyIndex(outboxDir: string): OutboxKeyIndex {
  const keysDir = path.join(outboxDir, KEYS_FOLDER);
  let built: Promise<void> | null = null;

  async function build(): Promise<void> {
    await mkdir(outboxDir, { recursive: true });
    if (await exists(keysDir)) return;
    // Built aside and renamed into place, so a crash mid-way leaves no partial index to be trusted later.
    const staging = path.join(outboxDir, `.keys-${randomBytes(6).toString('hex')}.tmp`);
    await mkdir(staging);
    try {
      for (const name of await readdir(outboxDir)) {
        const hash = MESSAGE_FILE.exec(name)?.[1];
        // Two files of one key (an older version's race) keep the first name; any other failure stops the index.
        if (hash)
          await writeWhole(path.join(staging, hash), name).catch((error: unknown) => {
            if (!isCode(error, 'EEXIST')) throw error;
          });
      }
      await rename(staging, keysDir);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      // Another sender's index landed first (renaming onto a non-empty folder fails): use that one.
      if (!isCode(error, 'ENOTEMPTY') && !isCode(error, 'EEXIST')) throw error;
    }
  }

  async function fileFor(hash: string): Promise<string | null> {
    return readFile(path.join(keysDir, hash), 'utf8').then(
      (name) => name || null,
      (error: unknown) => {
        if (isCode(error, 'ENOENT')) return null;
        throw error;
      },
    );
  }

  return {
    ready: () => {
      built ??= build().catch((error: unknown) => {
        built = null;
        throw error;
      });
      return built;
    },
    fileFor,
    async claim(hash, name) {
      const temp = path.join(keysDir, `.${hash}.${randomBytes(6).toString('hex')}.tmp`);
      await writeWhole(temp, name);
      try {
        await link(temp, path.join(keysDir, hash));
        return name;
      } catch (error) {
        if (!isCode(error, 'EEXIST')) throw error;
        return (await fileFor(hash)) ?? name;
      } finally {
        await rm(temp, { force: true });
      }
    },
  };
}
