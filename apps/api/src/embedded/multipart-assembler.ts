import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PART_SIZE_METADATA } from '../storage/object-storage';
import { PartHashWorker } from './part-hash-worker';
import { ASSEMBLED, exists, readRecords } from './part-records';
import { GIVEN_UP, LANDED, PartSignal } from './placed-part-sink';

/** The upload's metadata field, as s3rver stores it, that declares its part size. */
export const PART_SIZE_HEADER = `x-amz-meta-${PART_SIZE_METADATA}`;

/** A complete PUT of a part, as the store answered it. Generation 0: found recorded on disk. */
interface PartVersion {
  generation: number;
  md5: string;
  size: number;
  placed: boolean;
}

interface Slot {
  /** Of the last PUT of this part to start: an older PUT's bytes are stale. */
  generation: number;
  /** PUTs writing this part's slot of the assembled file now, of any generation (at most one may). */
  placing: number;
  /** The last PUT's writer, while it writes in place: what the hashing follows. */
  writer?: { generation: number; signal: PartSignal };
  /** The part as it stands: the last PUT to start, once all of it is written and recorded. */
  landed?: PartVersion;
}

export interface UploadState {
  readonly dir: string;
  /** Declared at creation (PART_SIZE_HEADER); null: nothing is placed, every part is a part file. */
  readonly partSize: number | null;
  readonly slots: Map<number, Slot>;
  /** PUTs in flight. */
  active: number;
  /** A completion runs: no PUT may start, and none is followed any more. */
  completing: boolean;
  /** boundaries[k]: the running sha256 (its id in the hashing thread) after slots 1..k; boundaries[0] = 0, none. */
  boundaries: number[];
  /** hashed[k - 1]: the version of part k that was hashed (its slot, in place). */
  hashed: { generation: number; size: number }[];
  /** The hashing thread failed on this upload: it completes by concatenation. */
  broken: boolean;
  /** The one hashing loop of this upload, and whether it should look again (something changed since it looked). */
  running: Promise<void> | null;
  wanted: boolean;
  /** Record writes, one at a time and in order (a PUT's clearing before a later PUT's landing). */
  records: Promise<unknown>;
  /** When a PUT or completion last opened it (an upload in use is never forgotten to make room). */
  lastUsed: number;
}

/** A PUT of a part under way: its generation, and where it writes when it is placed. */
export interface PartPut {
  n: number;
  generation: number;
  placed: { offset: number; limit: number; signal: PartSignal } | null;
}

/** What a completion gets when its parts are exactly those hashed in place. */
export interface AssembledObject {
  file: string;
  size: number;
  sha256: string;
  etag: string;
}

/** Uploads tracked at once; beyond, one idle for IDLE_MS is forgotten (it is read from disk again when needed). */
const MAX_UPLOADS = 256;
const IDLE_MS = 60_000;

export class UploadRefusedError extends Error {
  constructor(readonly code: 'NoSuchUpload' | 'OperationAborted') {
    super(code === 'NoSuchUpload' ? 'The specified upload does not exist' : 'The upload is being completed: no part can be uploaded now');
  }
}

/** S3's ETag of a multipart object: md5 of the parts' binary md5s, dash, part count. */
export const multipartEtag = (md5s: string[]) =>
  `${createHash('md5')
    .update(Buffer.concat(md5s.map((m) => Buffer.from(m, 'hex'))))
    .digest('hex')}-${md5s.length}`;

/**
 * The state of the embedded store's multipart uploads, and their sha256 taken as the parts land.
 * A part whose size fits the part size the upload declared is written in place, at its offset
 * in the upload's assembled file (PlacedPartSink), so completing needs no concatenation; the
 * running sha256 advances over the contiguous prefix of placed bytes as they are written, on a
 * thread of its own (PartHashWorker), so only what lands after the prefix is left to hash after
 * the last byte. A new PUT of a part rewinds the hash to the boundary before it. The hashed bytes
 * are the bytes in the file, so the sha256 is that of the object the file becomes.
 */
export class MultipartAssembler {
  private readonly uploads = new Map<string, UploadState>();
  private readonly opening = new Map<string, Promise<UploadState>>();
  private readonly worker = new PartHashWorker();

  stop(): Promise<void> {
    return this.worker.stop();
  }

  /** The upload in `dir` (its folder must exist), read from disk the first time this process sees it. */
  async open(dir: string): Promise<UploadState> {
    const known = this.uploads.get(dir);
    if (known) {
      known.lastUsed = Date.now();
      return known;
    }
    let opening = this.opening.get(dir);
    if (!opening) {
      opening = this.load(dir).finally(() => this.opening.delete(dir));
      this.opening.set(dir, opening);
    }
    return opening;
  }

  /** A PUT of part `n` starts (before it writes a byte). Placed when its declared length fits its slot and nothing else writes there. */
  begin(state: UploadState, n: number, contentLength: number | null): PartPut {
    if (this.uploads.get(state.dir) !== state) throw new UploadRefusedError('NoSuchUpload');
    if (state.completing) throw new UploadRefusedError('OperationAborted');
    const slot = this.slot(state, n);
    const generation = ++slot.generation;
    slot.landed = undefined;
    slot.writer?.signal.settle(GIVEN_UP);
    slot.writer = undefined;
    // Hashed already: what follows it is hashed again, from these bytes.
    if (n <= state.hashed.length) {
      this.worker.drop(state.boundaries.splice(n));
      state.hashed.length = n - 1;
    }
    state.active++;
    const fits = state.partSize !== null && contentLength !== null && contentLength > 0 && contentLength <= state.partSize;
    if (!fits || slot.placing > 0) return { n, generation, placed: null };
    slot.placing++;
    const signal = new PartSignal();
    slot.writer = { generation, signal };
    this.kick(state);
    return { n, generation, placed: { offset: (n - 1) * state.partSize!, limit: state.partSize!, signal } };
  }

  /** Whether `put` is still the last PUT of its part, in an upload still open. */
  isCurrent(state: UploadState, put: PartPut): boolean {
    return this.uploads.get(state.dir) === state && state.slots.get(put.n)?.generation === put.generation;
  }

  /** `put` (current) is written and recorded: it is the part now. */
  landed(state: UploadState, put: PartPut, md5: string, size: number): void {
    const slot = this.slot(state, put.n);
    slot.landed = { generation: put.generation, md5, size, placed: put.placed !== null };
    if (slot.writer?.generation === put.generation) slot.writer = undefined;
    // After `landed` is set: a follower that sees it landed finds the part landed.
    put.placed?.signal.settle(LANDED);
    this.kick(state);
  }

  /** `put` stopped writing, landed or not. */
  ended(state: UploadState, put: PartPut): void {
    const slot = this.slot(state, put.n);
    state.active--;
    if (put.placed) slot.placing--;
    if (slot.writer?.generation === put.generation) {
      slot.writer.signal.settle(GIVEN_UP);
      slot.writer = undefined;
    }
  }

  /** Runs `write` after every record write queued before it (see UploadState.records). */
  serial<T>(state: UploadState, write: () => Promise<T>): Promise<T> {
    const done = state.records.then(write);
    state.records = done.catch(() => undefined);
    return done;
  }

  /** A completion starts: no PUT may start until it ends. */
  beginCompletion(state: UploadState): void {
    if (state.completing) throw new UploadRefusedError('OperationAborted');
    state.completing = true;
    // A part still being written is not followed (its PUT has not answered: no completion names it);
    // if it lands after all, it is hashed from its slot.
    for (const slot of state.slots.values()) {
      slot.writer?.signal.settle(GIVEN_UP);
      slot.writer = undefined;
    }
  }

  /** The completion failed: the upload goes on. */
  endCompletion(state: UploadState): void {
    state.completing = false;
    this.kick(state);
  }

  /**
   * Waits for the hashing to reach the last part named, and returns the assembled object when
   * `parts` (sorted) are exactly parts 1..N as hashed in place, every one but the last of the
   * part size; null otherwise (then the caller concatenates).
   */
  async assembled(state: UploadState, parts: { number: number; etag: string }[]): Promise<AssembledObject | null> {
    let progress = -1;
    while (state.running || progress !== state.hashed.length) {
      progress = state.hashed.length;
      this.kick(state);
      await state.running;
    }
    const n = parts.length;
    const versions = parts.map((p, i) => ({ p, hashed: state.hashed[i], landed: state.slots.get(i + 1)?.landed }));
    const exact =
      n > 0 &&
      n <= state.hashed.length &&
      [...state.slots.values()].every((s) => s.placing === 0) &&
      versions.every(({ p, hashed, landed }, i) => p.number === i + 1 && landed?.placed && landed.generation === hashed.generation && landed.md5 === p.etag);
    if (!exact) return null;
    try {
      const size = (n - 1) * state.partSize! + state.hashed[n - 1].size;
      const sha256 = await this.worker.digest(state.boundaries[n]);
      return { file: path.join(state.dir, ASSEMBLED), size, sha256, etag: multipartEtag(parts.map((p) => p.etag)) };
    } catch {
      // The hashing thread died (its states with it): the store concatenates instead.
      return null;
    }
  }

  /** The sha256 of these byte ranges, in order, written one after another into `out` (a concatenation). */
  concatenate(ranges: { file: string; offset: number; size: number }[], out: string): Promise<{ sha256: string; size: number }> {
    return this.worker.digestRanges(ranges, out);
  }

  /** The upload is over (completed or aborted): nothing of it is kept, and its PUTs still running record nothing. */
  forget(dir: string): void {
    const state = this.uploads.get(dir);
    if (!state) return;
    this.uploads.delete(dir);
    for (const slot of state.slots.values()) slot.writer?.signal.settle(GIVEN_UP);
    this.worker.drop(state.boundaries);
  }

  private async load(dir: string): Promise<UploadState> {
    const metadata = await fs.readFile(path.join(dir, 'metadata'), 'utf8').catch(() => null);
    if (metadata === null) throw new UploadRefusedError('NoSuchUpload');
    const declared = Number((JSON.parse(metadata) as Record<string, string>)[PART_SIZE_HEADER]);
    const partSize = Number.isSafeInteger(declared) && declared > 0 ? declared : null;
    const records = await readRecords(dir);
    const assembled = path.join(dir, ASSEMBLED);
    const assembledExists = await exists(assembled);
    // Placed parts without their file: a completion renamed it into place, and the hub died before the folder went.
    if (!assembledExists && [...records.values()].some((r) => r.placed)) throw new UploadRefusedError('NoSuchUpload');
    if (partSize !== null && !assembledExists) await (await fs.open(assembled, 'a')).close();
    const state: UploadState = {
      dir,
      partSize,
      slots: new Map(),
      active: 0,
      completing: false,
      boundaries: [0],
      hashed: [],
      broken: false,
      running: null,
      wanted: false,
      records: Promise.resolve(),
      lastUsed: Date.now(),
    };
    for (const [n, r] of records) {
      const inSlot = r.placed && partSize !== null && r.offset === (n - 1) * partSize;
      state.slots.set(n, { generation: 0, placing: 0, landed: { generation: 0, md5: r.md5, size: r.size, placed: inSlot } });
    }
    if (this.uploads.size >= MAX_UPLOADS) this.evictIdle();
    this.uploads.set(dir, state);
    this.kick(state);
    return state;
  }

  private evictIdle(): void {
    for (const [dir, state] of this.uploads) {
      if (state.active === 0 && !state.completing && Date.now() - state.lastUsed > IDLE_MS) return this.forget(dir);
    }
  }

  private slot(state: UploadState, n: number): Slot {
    let slot = state.slots.get(n);
    if (!slot) state.slots.set(n, (slot = { generation: 0, placing: 0 }));
    return slot;
  }

  private kick(state: UploadState): void {
    state.wanted = true;
    state.running ??= this.loop(state);
  }

  /** Runs `advance` until no kick came during the last pass; `running` is cleared in the same step as that check, so no kick is lost. */
  private async loop(state: UploadState): Promise<void> {
    try {
      while (state.wanted) {
        state.wanted = false;
        await this.advance(state);
      }
    } finally {
      state.running = null;
    }
  }

  /** Hashes the contiguous prefix of placed parts, following the next one as its bytes are written. */
  private async advance(state: UploadState): Promise<void> {
    const partSize = state.partSize;
    const file = path.join(state.dir, ASSEMBLED);
    try {
      for (;;) {
        const k = state.hashed.length;
        // After a part shorter than its slot (the last one), nothing follows in place.
        if (!partSize || state.broken || this.uploads.get(state.dir) !== state || (k > 0 && state.hashed[k - 1].size < partSize)) return;
        const slot = state.slots.get(k + 1);
        const landed = slot?.landed?.placed ? slot.landed : undefined;
        const writer = landed || state.completing ? undefined : slot?.writer;
        if (!slot || (!landed && !writer)) return;
        const generation = (landed ?? writer)!.generation;
        const result = landed
          ? await this.worker.hash(state.boundaries[k], [{ file, offset: k * partSize, size: landed.size }])
          : await this.worker.follow(state.boundaries[k], file, k * partSize, writer!.signal.buffer);
        // Kept only if the version read landed, and no PUT of this part (or an earlier one) started since.
        const now = slot.landed;
        const current = this.uploads.get(state.dir) === state && state.hashed.length === k && slot.generation === generation;
        if (current && now?.placed && now.generation === generation && result.size === now.size) {
          state.boundaries[k + 1] = result.hash;
          state.hashed.push({ generation, size: now.size });
          continue;
        }
        this.worker.drop([result.hash]);
        // The file did not hold what the store wrote for it: never trusted.
        if (current && now?.placed && now.generation === generation) state.broken = true;
      }
    } catch {
      // The hashing thread failed, or the upload's folder went: its completion concatenates.
      state.broken = true;
    }
  }
}
