import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppendHashWorker } from './append-hash-worker';

/** A part as the store answered it: its generation (which PUT of that number), md5 (its ETag) and size. */
interface LandedPart {
  generation: number;
  md5: string;
  size: number;
}

/** The running sha256 (its id in the hashing thread, 0: none yet) and assembled length after parts 1..k (k = index), kept to rewind to. */
interface Boundary {
  hash: number;
  offset: number;
}

interface UploadState {
  dir: string;
  /** Bumped when a PUT of that part number starts: what was read of an older one is stale. */
  generations: Map<number, number>;
  landed: Map<number, LandedPart>;
  /** Parts being written now, each with the signal its follower watches (see AppendHashWorker.follow). */
  writing: Map<number, { generation: number; signal: Int32Array }>;
  /** A completion is waiting: no part still being written is followed any more. */
  completing: boolean;
  /** boundaries[k]: after parts 1..k; hashed[k - 1]: part k as it was hashed and assembled. */
  boundaries: Boundary[];
  hashed: LandedPart[];
  /** The one advance loop of this upload (one writer of its assembled file at a time). */
  running: Promise<void> | null;
}

/** What a completion gets when the parts it names are exactly those assembled. */
export interface AssembledObject {
  file: string;
  size: number;
  sha256: string;
  /** S3's ETag of a multipart object: md5 of the parts' binary md5s, dash, part count. */
  etag: string;
}

/** Uploads tracked at once; beyond, the oldest is dropped (its completion falls back to a concatenation and read-back). */
const MAX_UPLOADS = 256;
const ASSEMBLED = 'hub-assembled';

/**
 * Assembles and hashes a multipart upload while its parts still arrive (embedded store): each
 * landed part is read from its part file in part order (so a part that landed before its
 * predecessors waits for them), appended to one assembled file and fed to a running sha256, in
 * the background (on a thread of its own: AppendHashWorker). Completion then renames the assembled file into place, with its sha256 known,
 * instead of concatenating and md5-ing every part and having the hub read the object back.
 *
 * A PUT of a part already hashed (a retry, maybe other bytes) rewinds to the boundary before it.
 * The bytes hashed are exactly the bytes written to the assembled file, whatever happens to the
 * part files meanwhile, so the recorded sha256 is always that of the object it becomes. State is
 * in memory: after a restart a completion falls back to the store's own concatenation.
 */
export class MultipartAssembler {
  private readonly uploads = new Map<string, UploadState>();
  private readonly worker = new AppendHashWorker();

  stop(): Promise<void> {
    return this.worker.stop();
  }

  /** A PUT of part `partNumber` starts (before any of its bytes are written): returns its generation. */
  partStarted(uploadDir: string, partNumber: number): number {
    const state = this.state(uploadDir);
    const generation = (state.generations.get(partNumber) ?? 0) + 1;
    state.generations.set(partNumber, generation);
    state.landed.delete(partNumber);
    this.settle(state, partNumber, 2);
    state.writing.set(partNumber, { generation, signal: new Int32Array(new SharedArrayBuffer(4)) });
    // Hashed already: what follows it must be hashed again from these new bytes.
    if (partNumber <= state.hashed.length) {
      this.worker.drop(state.boundaries.splice(partNumber).map((b) => b.hash));
      state.hashed.length = partNumber - 1;
    }
    // The next part to hash: followed as its bytes arrive.
    this.kick(state);
    return generation;
  }

  /** That PUT of part `partNumber` failed (cut, refused): what was read of it is not kept. */
  partFailed(uploadDir: string, partNumber: number, generation: number): void {
    const state = this.uploads.get(uploadDir);
    if (state?.writing.get(partNumber)?.generation === generation) this.settle(state, partNumber, 2);
  }

  /** The store has written part `partNumber` of that generation, and answered `md5` as its ETag. */
  partLanded(uploadDir: string, partNumber: number, generation: number, md5: string, size: number): void {
    const state = this.uploads.get(uploadDir);
    if (!state || state.generations.get(partNumber) !== generation) return;
    state.landed.set(partNumber, { generation, md5, size });
    this.settle(state, partNumber, 1);
    this.kick(state);
  }

  /**
   * Waits for the assembly to reach the last part named, and returns the assembled object when
   * `parts` (numbered 1..N, each with the ETag the store answered) is exactly what was assembled;
   * null otherwise (then the caller concatenates the part files itself). Forgets the upload.
   */
  async complete(uploadDir: string, parts: { number: number; etag: string }[]): Promise<AssembledObject | null> {
    const state = this.uploads.get(uploadDir);
    if (!state) return null;
    // A part still being written now is not waited for: then the part list cannot match.
    state.completing = true;
    for (const n of [...state.writing.keys()]) this.settle(state, n, 2);
    let progress = -1;
    while (state.running || progress !== state.hashed.length) {
      progress = state.hashed.length;
      this.kick(state);
      await state.running;
    }
    this.uploads.delete(uploadDir);
    const hashes = state.boundaries.map((b) => b.hash).filter(Boolean);
    const sorted = [...parts].sort((a, b) => a.number - b.number);
    const n = sorted.length;
    const exact =
      n > 0 &&
      n <= state.hashed.length &&
      sorted.every((p, i) => {
        const hashed = state.hashed[i];
        return p.number === i + 1 && p.etag === hashed.md5 && state.generations.get(p.number) === hashed.generation;
      });
    const file = path.join(uploadDir, ASSEMBLED);
    try {
      if (!exact) {
        await fs.rm(file, { force: true });
        return null;
      }
      const { hash, offset } = state.boundaries[n];
      await fs.truncate(file, offset);
      const md5s = Buffer.concat(sorted.map((p) => Buffer.from(p.etag, 'hex')));
      return { file, size: offset, sha256: await this.worker.digest(hash), etag: `${createHash('md5').update(md5s).digest('hex')}-${n}` };
    } catch {
      // The hashing thread died (its hashes with it): the store concatenates instead.
      return null;
    } finally {
      this.worker.drop(hashes);
    }
  }

  private state(uploadDir: string): UploadState {
    let state = this.uploads.get(uploadDir);
    if (!state) {
      if (this.uploads.size >= MAX_UPLOADS) this.forget(this.uploads.keys().next().value!);
      state = {
        dir: uploadDir,
        generations: new Map(),
        landed: new Map(),
        writing: new Map(),
        completing: false,
        boundaries: [{ hash: 0, offset: 0 }],
        hashed: [],
        running: null,
      };
      this.uploads.set(uploadDir, state);
    }
    return state;
  }

  private forget(uploadDir: string): void {
    this.worker.drop(this.uploads.get(uploadDir)?.boundaries.map((b) => b.hash) ?? []);
    this.uploads.delete(uploadDir);
    void fs.rm(path.join(uploadDir, ASSEMBLED), { force: true }).catch(() => undefined);
  }

  /** Tells the follower of part `n`'s current PUT, if any, that it landed (1) or was given up (2). */
  private settle(state: UploadState, n: number, outcome: 1 | 2): void {
    const writing = state.writing.get(n);
    if (!writing) return;
    state.writing.delete(n);
    Atomics.store(writing.signal, 0, outcome);
  }

  private kick(state: UploadState): void {
    state.running ??= this.advance(state).finally(() => (state.running = null));
  }

  /** Assembles landed parts in order for as long as the next one has landed. */
  private async advance(state: UploadState): Promise<void> {
    try {
      for (;;) {
        const k = state.hashed.length;
        const landed = state.landed.get(k + 1);
        const writing = landed || state.completing ? undefined : state.writing.get(k + 1);
        if ((!landed && !writing) || this.uploads.get(state.dir) !== state) return;
        const generation = (landed ?? writing)!.generation;
        const from = state.boundaries[k];
        const [file, out] = [path.join(state.dir, String(k + 1)), path.join(state.dir, ASSEMBLED)];
        const appended = landed
          ? await this.worker.append(from.hash, file, out, from.offset)
          : await this.worker.follow(from.hash, file, out, from.offset, writing!.signal.buffer as SharedArrayBuffer);
        // Kept only if the PUT read landed, and no PUT of this part (or an earlier one) started since.
        const part = state.landed.get(k + 1);
        const current = part?.generation === generation && state.generations.get(k + 1) === generation && state.hashed.length === k;
        if (current && appended.size === part.size && this.uploads.get(state.dir) === state) {
          state.boundaries[k + 1] = { hash: appended.hash, offset: from.offset + appended.size };
          state.hashed.push(part);
          continue;
        }
        this.worker.drop([appended.hash].filter(Boolean));
        // Its file did not hold what the store answered for it: never assembled, so never trusted.
        if (current) state.landed.delete(k + 1);
      }
    } catch {
      // The upload's folder is gone (completed or aborted elsewhere) or unreadable: its completion concatenates.
      this.uploads.delete(state.dir);
    }
  }
}
