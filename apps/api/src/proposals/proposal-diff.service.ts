import { Injectable } from '@nestjs/common';
import { createTwoFilesPatch } from 'diff';
import type { Principal } from '../common/auth/principal';
import { mapLimit } from '../common/map-limit';
import { BlobService } from '../blobs/blob.service';
import { FileScanService } from '../discovery/scanners/file-scan.service';
import { scanKindOf } from '../discovery/scanners/file-scanners';
import { parseSafetensorsHeader, safetensorsHeaderLength } from '../discovery/scanners/safetensors-header';
import type { DownloadPermit } from '../models/download-permit';
import { ModelAccessService } from '../models/model-access.service';
import type { ModelRecord } from '../models/model.repository';
import { BranchesService } from '../repo-history/branches.service';
import type { FileChange, FileSide } from '../repo-history/commit.repository';
import type { DiscussionRecord } from './proposal.repository';
import { prRef, ProposalsService } from './proposals.service';

/** Text files up to this size get a unified diff. */
export const MAX_TEXT_DIFF_BYTES = 1024 * 1024;
/** Safetensors headers up to this size are compared tensor by tensor. */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;
const READS_IN_FLIGHT = 4;

export interface TensorInfo {
  dtype: string;
  shape: number[];
}

export interface TensorChanges {
  added: Record<string, TensorInfo>;
  removed: Record<string, TensorInfo>;
  changed: Record<string, { before: TensorInfo; after: TensorInfo }>;
  parametersBefore: number;
  parametersAfter: number;
  error?: string;
}

export interface FileDiff {
  path: string;
  status: 'added' | 'changed' | 'deleted' | 'renamed';
  /** For a rename: the path the bytes had before. */
  oldPath?: string;
  old: { size: number; sha256: string; lfs: boolean } | null;
  new: { size: number; sha256: string; lfs: boolean } | null;
  /** A unified diff for text files under 1 MiB (absent when the caller may not download the files). */
  unifiedDiff?: string;
  /** For safetensors files: the tensors added, removed and changed (names, shapes, dtypes) and the parameter count. */
  tensors?: TensorChanges;
  /** The security scan of the new bytes (pickle imports; safetensors header validity). */
  security?: { kind: 'pickle' | 'safetensors'; status: string; imports?: unknown[] };
}

export interface ProposalDiff {
  base: string;
  head: string;
  files: FileDiff[];
  /** Whether contents were compared (text, tensors): only for callers who may download the model's files. */
  contents: boolean;
}

const side = (f: FileSide | null) => (f ? { size: Number(f.size), sha256: f.blobSha256, lfs: f.lfs } : null);

/**
 * What a pull request changes, for a reviewer: per file added / changed / deleted / renamed
 * (deleted and added with the same bytes) with sizes and sha256; for text under 1 MiB a unified
 * diff; for safetensors the change in tensors; the security scan of every new file. Contents are
 * read only for callers who may download the model (the one download decision), so a proposal to
 * a gated model shows its author the list, never the model's bytes.
 */
@Injectable()
export class ProposalDiffService {
  constructor(
    private readonly service: ProposalsService,
    private readonly refs: BranchesService,
    private readonly blobs: BlobService,
    private readonly scans: FileScanService,
    private readonly access: ModelAccessService,
  ) {}

  async diff(principal: Principal | undefined, model: ModelRecord, d: DiscussionRecord): Promise<ProposalDiff> {
    const head = await this.service.head(model, d);
    const base = d.baseCommitId!;
    const changes = renames(await this.refs.changedFiles(base, head));
    const contents = (await this.access.downloadDecision(principal, model)) !== null;
    let permit: DownloadPermit | null = null;
    if (contents) {
      // The reviewer reads these files' bytes through the diff: the download decision, confirmed (and audited for gated models).
      const served = changes.flatMap((c) =>
        [c.before && { blobSha256: c.before.blobSha256, commitId: base }, c.after && { blobSha256: c.after.blobSha256, commitId: head }]
          .filter((s) => !!s)
          .map((s) => ({
            method: 'GET' as const,
            path: c.path,
            revision: prRef(d.number),
            commitId: s.commitId,
            blobSha256: s.blobSha256,
            route: 'file' as const,
            issuesUrl: false,
          })),
      );
      permit = (await this.access.authorizeDownload(principal, model, () => Promise.resolve({ files: served, value: null }))).permit;
    }
    const files = await mapLimit(changes, READS_IN_FLIGHT, (c) => this.describe(c, permit));
    return { base, head, files, contents };
  }

  /** The diff as one git-style text (Hugging Face's `diff` of get_discussion_details). */
  static asText(diff: ProposalDiff): string {
    return diff.files
      .map((f) => {
        const header = `diff --git a/${f.oldPath ?? f.path} b/${f.path}\n`;
        if (f.unifiedDiff) return header + f.unifiedDiff;
        const what =
          f.status === 'added' ? 'new file' : f.status === 'deleted' ? 'deleted file' : f.status === 'renamed' ? `renamed from ${f.oldPath}` : 'binary change';
        return `${header}${what}: ${f.old?.sha256 ?? '-'} (${f.old?.size ?? 0} bytes) -> ${f.new?.sha256 ?? '-'} (${f.new?.size ?? 0} bytes)\n`;
      })
      .join('');
  }

  private async describe(c: Change, permit: DownloadPermit | null): Promise<FileDiff> {
    const status = c.oldPath ? 'renamed' : !c.before ? 'added' : !c.after ? 'deleted' : 'changed';
    const out: FileDiff = { path: c.path, status, ...(c.oldPath ? { oldPath: c.oldPath } : {}), old: side(c.before), new: side(c.after) };
    const kind = scanKindOf(c.path);
    if (c.after && kind) out.security = await this.security(c.after, kind);
    if (!permit || status === 'renamed') return out;
    if (kind === 'safetensors') out.tensors = await this.tensorChanges(permit, c.before, c.after);
    else if (this.isSmallText(c.before) && this.isSmallText(c.after)) {
      const [before, after] = await Promise.all([this.text(permit, c.before), this.text(permit, c.after)]);
      if (before !== null && after !== null)
        out.unifiedDiff = createTwoFilesPatch(`a/${c.path}`, `b/${c.path}`, before, after, '', '', { context: 3 }).replace(/^=+\n/, '');
    }
    return out;
  }

  private isSmallText(f: FileSide | null): boolean {
    return !f || (!f.lfs && f.size < BigInt(MAX_TEXT_DIFF_BYTES));
  }

  /** The text of a file ('' for none); null when it is not UTF-8 text. */
  private async text(permit: DownloadPermit, f: FileSide | null): Promise<string | null> {
    if (!f) return '';
    const bytes = await this.blobs.readPrefixFor(permit, f.blobSha256, MAX_TEXT_DIFF_BYTES);
    if (!bytes || bytes.includes(0)) return null;
    return bytes.toString('utf8');
  }

  private async security(f: FileSide, kind: 'pickle' | 'safetensors'): Promise<FileDiff['security']> {
    const blob = await this.blobs.locate(f.blobSha256);
    if (!blob) return { kind, status: 'pending' };
    const scan = await this.scans.scan({ sha256: blob.sha256, size: Number(blob.size), storageKey: blob.storageKey, inline: blob.inline }, kind);
    return scan.kind === 'pickle' ? { kind, status: scan.verdict, imports: scan.details.imports } : { kind, status: scan.verdict };
  }

  private async tensorChanges(permit: DownloadPermit, before: FileSide | null, after: FileSide | null): Promise<TensorChanges> {
    const out: TensorChanges = { added: {}, removed: {}, changed: {}, parametersBefore: 0, parametersAfter: 0 };
    try {
      const [a, b] = await Promise.all([this.tensors(permit, before), this.tensors(permit, after)]);
      out.parametersBefore = a.parameters;
      out.parametersAfter = b.parameters;
      for (const [name, t] of Object.entries(b.tensors)) {
        const old = a.tensors[name];
        if (!old) out.added[name] = t;
        else if (old.dtype !== t.dtype || old.shape.join(',') !== t.shape.join(',')) out.changed[name] = { before: old, after: t };
      }
      for (const [name, t] of Object.entries(a.tensors)) if (!b.tensors[name]) out.removed[name] = t;
    } catch (err) {
      out.error = (err as Error).message;
    }
    return out;
  }

  private async tensors(permit: DownloadPermit, f: FileSide | null): Promise<{ tensors: Record<string, TensorInfo>; parameters: number }> {
    if (!f) return { tensors: {}, parameters: 0 };
    const size = Number(f.size);
    const first8 = (await this.blobs.readPrefixFor(permit, f.blobSha256, 8)) ?? Buffer.alloc(0);
    const length = safetensorsHeaderLength(first8, size);
    if (length > MAX_HEADER_BYTES) throw new Error(`the safetensors header is ${length} bytes, more than the diff reads`);
    const header = ((await this.blobs.readPrefixFor(permit, f.blobSha256, 8 + length)) ?? Buffer.alloc(0)).subarray(8, 8 + length);
    const summary = parseSafetensorsHeader(header, size);
    const json = JSON.parse(header.toString('utf8')) as Record<string, { dtype: string; shape: number[] }>;
    const tensors = Object.fromEntries(
      Object.entries(json)
        .filter(([name]) => name !== '__metadata__')
        .map(([name, t]) => [name, { dtype: t.dtype, shape: t.shape }]),
    );
    return { tensors, parameters: summary.total };
  }
}

type Change = FileChange & { oldPath?: string };

/** A deleted path and an added path with the same bytes are one rename. */
function renames(changes: FileChange[]): Change[] {
  const deleted = new Map<string, FileChange[]>();
  for (const c of changes) if (c.before && !c.after) deleted.set(c.before.blobSha256, [...(deleted.get(c.before.blobSha256) ?? []), c]);
  const consumed = new Set<string>();
  const out: Change[] = [];
  for (const c of changes) {
    if (c.after && !c.before) {
      const from = deleted.get(c.after.blobSha256)?.find((d) => !consumed.has(d.path));
      if (from) {
        consumed.add(from.path);
        out.push({ ...c, before: from.before, oldPath: from.path });
        continue;
      }
    }
    out.push(c);
  }
  return out.filter((c) => !(c.before && !c.after && consumed.has(c.path)));
}
