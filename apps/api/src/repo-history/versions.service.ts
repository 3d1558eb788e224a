import { Injectable, Optional } from '@nestjs/common';
import { coerce, gt, parse, type SemVer } from 'semver';
import type { Principal } from '../common/auth/principal';
import { HubEvents } from '../common/hub-events';
import { HubException } from '../common/hub-exception';
import { ModelAccessService } from '../models/model-access.service';
import type { ModelRecord } from '../models/model.repository';
import { CommitRepository } from './commit.repository';
import { assertValidRefName, printable } from './repo-path-rules';
import { RevisionService } from './revision.service';
import { VersionRecord, VersionRepository } from './version.repository';

/** A version as the API shows it. */
export interface VersionInfo {
  name: string;
  commitId: string;
  notes: string;
  status: 'active' | 'deprecated';
  deprecationMessage: string | null;
  createdBy: string | null;
  createdAt: Date;
  deprecatedAt: Date | null;
}

export const MAX_NOTES_LENGTH = 100_000;
export const MAX_DEPRECATION_MESSAGE_LENGTH = 2_000;

const present = (v: VersionRecord): VersionInfo => ({
  name: v.name,
  commitId: v.commitId,
  notes: v.notes,
  status: v.status,
  deprecationMessage: v.deprecationMessage,
  createdBy: v.createdByName,
  createdAt: v.createdAt,
  deprecatedAt: v.deprecatedAt,
});

/**
 * Versions: immutable named releases of one commit (Hugging Face tags). Created once, never
 * moved, re-pointed or deleted: deleting answers 409 `version_immutable` (deprecate instead).
 * Names follow git's ref rules (`v1.0.0`, `1.0`, `2024-06-release`...) and never repeat a
 * branch's name. Write access creates and deprecates.
 */
@Injectable()
export class VersionsService {
  constructor(
    private readonly versions: VersionRepository,
    private readonly commits: CommitRepository,
    private readonly revisions: RevisionService,
    private readonly access: ModelAccessService,
    // The webhooks module's port (version.published); optional so versions work without it.
    @Optional() private readonly events?: HubEvents,
  ) {}

  async create(principal: Principal | undefined, model: ModelRecord, input: { name: string; revision?: string; notes?: string }): Promise<VersionInfo> {
    await this.access.assertCanWrite(principal, model);
    assertValidRefName(input.name, 'version', 'invalid_version_name');
    if (input.name.toLowerCase() === 'latest') {
      throw HubException.badRequest('invalid_version_name', "'latest' is reserved: GET .../versions/latest names the latest version");
    }
    if ((input.notes?.length ?? 0) > MAX_NOTES_LENGTH) {
      throw HubException.badRequest('invalid_notes', `Release notes may be at most ${MAX_NOTES_LENGTH} characters`);
    }
    const { commitId } = await this.revisions.resolve(model, input.revision);
    if (await this.commits.branchHead(model.id, input.name)) {
      throw HubException.conflict(`'${printable(input.name)}' is already the name of a branch of ${model.fullName}: choose another version name`, 'ref_exists');
    }
    const created = await this.versions.create({
      modelId: model.id,
      name: input.name,
      commitId,
      notes: input.notes ?? '',
      createdById: principal?.userId ?? null,
    });
    if (!created) throw versionExists(model, input.name);
    const version = present((await this.versions.find(model.id, input.name))!);
    await this.events?.publish('version.published', { model: model.fullName, kind: model.kind, version }, [model.ownerOrgId]);
    return version;
  }

  /** Newest first. */
  async list(model: ModelRecord): Promise<VersionInfo[]> {
    return (await this.versions.list(model.id)).map(present);
  }

  async get(model: ModelRecord, name: string): Promise<VersionInfo> {
    const v = await this.versions.find(model.id, name);
    if (!v) throw versionNotFound(model, name);
    return present(v);
  }

  /**
   * The version to use by default: the highest semver among versions that are not deprecated
   * (see `semverOf`; ties go to the newer); when no active version has a
   * semver name, the newest active one; when every version is deprecated, the newest (its status
   * says so). 404 `no_versions` when the model has none.
   */
  async latest(model: ModelRecord): Promise<VersionInfo> {
    const all = await this.versions.list(model.id);
    if (!all.length) throw HubException.notFound(`${model.fullName} has no versions yet`, 'no_versions');
    const active = all.filter((v) => v.status === 'active');
    let best: { v: VersionRecord; s: SemVer } | undefined;
    for (const v of active) {
      const s = semverOf(v.name);
      // `all` is newest first, so on equal versions the first seen (newer) stays.
      if (s && (!best || gt(s, best.s))) best = { v, s };
    }
    return present(best?.v ?? active[0] ?? all[0]);
  }

  async deprecate(principal: Principal | undefined, model: ModelRecord, name: string, message: string): Promise<VersionInfo> {
    await this.access.assertCanWrite(principal, model);
    if (typeof message !== 'string' || !message.trim()) {
      throw HubException.badRequest('invalid_message', 'A deprecation needs a message telling users why and what to use instead');
    }
    if (message.length > MAX_DEPRECATION_MESSAGE_LENGTH) {
      throw HubException.badRequest('invalid_message', `The deprecation message may be at most ${MAX_DEPRECATION_MESSAGE_LENGTH} characters`);
    }
    if (!(await this.versions.deprecate(model.id, name, message.trim()))) throw versionNotFound(model, name);
    return present((await this.versions.find(model.id, name))!);
  }

  /** Versions are never deleted: 409 once the caller may write and the version exists. */
  async delete(principal: Principal | undefined, model: ModelRecord, name: string): Promise<never> {
    await this.access.assertCanWrite(principal, model);
    if (!(await this.versions.find(model.id, name))) throw versionNotFound(model, name);
    throw HubException.conflict(
      `Version '${printable(name)}' of ${model.fullName} is immutable and cannot be deleted: deprecate it instead (POST .../versions/${encodeURIComponent(name)}/deprecate with a message)`,
      'version_immutable',
    );
  }
}

/**
 * The semver a version name stands for: exact (`1.2.3`, `v1.2.3-rc.1`), else coerced (`v1.2` is
 * 1.2.0, `1.0-final` is 1.0.0). Only names that start with a number (after an optional `v`) are
 * read as versions, so `release-2024` is not mistaken for 2024.0.0.
 */
function semverOf(name: string): SemVer | null {
  if (!/^v?\d/i.test(name)) return null;
  return parse(name, { loose: true }) ?? coerce(name, { loose: true, includePrerelease: true });
}

export const versionNotFound = (model: ModelRecord, name: string) =>
  HubException.notFound(`Version '${printable(name)}' not found in ${model.fullName}`, 'version_not_found', 'RevisionNotFound');

export const versionExists = (model: ModelRecord, name: string) =>
  HubException.conflict(`Version '${printable(name)}' already exists in ${model.fullName}; versions are immutable: choose a new name`, 'version_exists');
