import { HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ModelVisibility } from '@model-hub/contracts';
import type { Principal } from '../common/auth/principal';
import { HubEvents } from '../common/hub-events';
import { HubException } from '../common/hub-exception';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { HubLinks } from '../links/hub-links.service';
import { NamespaceRepository } from '../namespaces/namespace.repository';
import { generateCommitId } from './commit-id';
import { DEFAULT_GITATTRIBUTES } from './default-gitattributes';
import { ModelAccessService } from './model-access.service';
import type { LicenseConflict } from '../lineage/license-conflict-rules';
import { LineageInfoService, type LineageSummary } from '../lineage/lineage-info.service';
import { LineageWriter } from '../lineage/lineage-writer.service';
import { CardKind, ModelCardParser, ParsedModelCard, YamlValidation } from './model-card.parser';
import { assertValidModelName } from './model-name-rules';
import { ModelRecord, ModelRepository } from './model.repository';
import { ModelPage, ModelSearchQuery, ModelSearchService } from './model-search.service';
import { type RepoKind, repoWebPath } from './repo-kind';
import { applyVisibilityChange, HfGated, VisibilityChange, visibilityOf } from './model-visibility';

export interface CreateModelInput {
  /** Default `model`. */
  kind?: RepoKind;
  namespace: string;
  name: string;
  /** Default `public`. `gated` means gated `auto`. */
  visibility?: ModelVisibility;
  /** Hugging Face form; `private: true` = visibility `private`. */
  private?: boolean;
  gated?: HfGated;
}

export const INITIAL_COMMIT_TITLE = 'Initial commit';

/** Models: creation, settings, deletion, listing and their cards. Authorization is ModelAccessService's. */
@Injectable()
export class ModelsService {
  constructor(
    private readonly models: ModelRepository,
    private readonly access: ModelAccessService,
    private readonly namespaces: NamespaceRepository,
    private readonly search: ModelSearchService,
    private readonly lineage: LineageInfoService,
    private readonly lineageWriter: LineageWriter,
    private readonly cards: ModelCardParser,
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
    private readonly links: HubLinks,
    // The webhooks module's port (model.created); optional so models work without it.
    @Optional() private readonly events?: HubEvents,
  ) {}

  /** Creates `namespace/name` with an initial commit on `main` holding Hugging Face's default `.gitattributes`. 409 (body has `url`) when it exists. */
  async create(principal: Principal | undefined, input: CreateModelInput): Promise<ModelRecord> {
    assertValidModelName(input.name);
    const namespace = await this.namespaces.findByName(input.namespace);
    if (!namespace) throw HubException.notFound(`Namespace '${input.namespace}' not found: no user or organization has this name`, 'namespace_not_found');
    await this.access.assertCanCreateIn(principal, namespace);
    const settings = applyVisibilityChange({ private: false, gated: 'none' }, input);
    const id = randomUUID();
    const at = new Date();
    const kind = input.kind ?? 'model';
    const created = await this.models.createWithInitialCommit({
      id,
      kind,
      namespaceId: namespace.id,
      name: input.name,
      ...settings,
      authorId: principal!.userId,
      commit: { id: generateCommitId({ modelId: id, parentId: null, title: INITIAL_COMMIT_TITLE, at }), title: INITIAL_COMMIT_TITLE, createdAt: at },
      files: [DEFAULT_GITATTRIBUTES],
    });
    if (!created) {
      const existing = await this.models.findByName(namespace.name, input.name, kind);
      const fullName = existing?.fullName ?? `${namespace.name}/${input.name}`;
      throw new HubException(
        HttpStatus.CONFLICT,
        kind === 'model' ? 'model_exists' : 'dataset_exists',
        `You already created this ${kind} repo: a ${kind} named '${fullName}' already exists (names are case-insensitive)`,
        {
          body: { url: `${this.links.origin()}${repoWebPath(kind, fullName)}` },
        },
      );
    }
    await this.events?.publish('model.created', { model: created.fullName, kind, visibility: visibilityOf(created), createdBy: principal!.username }, [
      created.ownerOrgId,
    ]);
    return created;
  }

  get(principal: Principal | undefined, namespace: string, name: string, kind: RepoKind): Promise<ModelRecord> {
    return this.access.findReadable(principal, namespace, name, kind);
  }

  /**
   * Model info's lineage (datasets and base models, for a dataset the models trained on it) and
   * upstream licence conflicts, as the caller may see them (docs/lineage.md).
   */
  async lineageInfo(principal: Principal | undefined, model: ModelRecord): Promise<{ lineage: LineageSummary; licenseConflicts: LicenseConflict[] }> {
    const visible = await this.access.visibleNamespaceIds(principal);
    const [lineage, licenseConflicts] = await Promise.all([this.lineage.summary(model, visible), this.lineage.licenseConflicts(model, visible)]);
    return { lineage, licenseConflicts };
  }

  /** The authors of merged proposals, credited in model info (docs/proposals.md). */
  contributors(model: ModelRecord): Promise<{ username: string; merged: number }[]> {
    return this.models.contributors(model.id);
  }

  /** Changes `private` / `gated` (see `applyVisibilityChange`); needs admin rights on the model. */
  async updateSettings(principal: Principal | undefined, namespace: string, name: string, kind: RepoKind, change: VisibilityChange): Promise<ModelRecord> {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    await this.access.assertCanAdmin(principal, model);
    return this.models.updateSettings(model.id, applyVisibilityChange(model, change));
  }

  /**
   * Renames or transfers `from` (`namespace/name`) to `to`: admin rights on the model and the right
   * to create models in the target namespace. The old name keeps answering for the model.
   */
  async move(principal: Principal | undefined, kind: RepoKind, from: string, to: string): Promise<ModelRecord> {
    const [fromNs, fromName] = splitRepoId(from, 'fromRepo');
    const [toNs, toName] = splitRepoId(to, 'toRepo');
    const model = await this.access.findReadable(principal, fromNs, fromName, kind);
    await this.access.assertCanAdmin(principal, model);
    assertValidModelName(toName);
    const namespace = await this.namespaces.findByName(toNs);
    if (!namespace) throw HubException.notFound(`Namespace '${toNs}' not found: no user or organization has this name`, 'namespace_not_found');
    await this.access.assertCanCreateIn(principal, namespace);
    const moved = await this.models.move(model.id, { namespaceId: namespace.id, name: toName });
    if (!moved) throw HubException.conflict(`You already have a ${kind} named '${namespace.name}/${toName}': choose another name`, `${kind}_exists`);
    return moved;
  }

  /** Deletes the model with its history; needs admin rights. Blobs are left to garbage collection. */
  async delete(principal: Principal | undefined, namespace: string, name: string, kind: RepoKind): Promise<void> {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    await this.access.assertCanAdmin(principal, model);
    // What derived from it loses an upstream node: its licence conflict flags change too.
    const downstream = await this.lineageWriter.descendantsOf(model.id);
    await this.models.delete(model.id);
    await this.lineageWriter.recomputeFlags(downstream);
  }

  list(principal: Principal | undefined, query: ModelSearchQuery): Promise<ModelPage> {
    return this.search.search(principal, query);
  }

  /**
   * Re-reads the model card into the metadata columns. Called by the commit service whenever a
   * commit changes `README.md` (null when it was deleted). Never throws for a bad card: the
   * problems are stored as `cardWarnings` and returned.
   */
  async applyCard(modelId: string, readme: string | null, kind: CardKind = 'model'): Promise<ParsedModelCard> {
    const card = this.cards.parse(readme, kind);
    const { warnings, ...columns } = card;
    await this.models.updateCard(modelId, { ...columns, cardWarnings: warnings });
    return card;
  }

  /** Hugging Face's `POST /api/validate-yaml` on a README's content. */
  validateYaml(content: string): YamlValidation {
    return this.cards.validateYaml(content);
  }
}

/** `namespace/name` (Hugging Face repo ids always have both). */
function splitRepoId(id: unknown, field: string): [string, string] {
  const parts = typeof id === 'string' ? id.split('/') : [];
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw HubException.badRequest('invalid_repo_id', `${field} must be a repo id 'namespace/name'`, [{ field, message: 'expected namespace/name' }]);
  }
  return [parts[0], parts[1]];
}
