import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { HubLinks } from '../links/hub-links.service';
import { ModelCardParser } from '../models/model-card.parser';
import { ModelsService } from '../models/models.service';
import type { ModelRecord } from '../models/model.repository';
import { ModelAccessService } from '../models/model-access.service';
import { type RepoKind, repoWebPath } from '../models/repo-kind';
import { CommitService } from '../repo-history/commit.service';
import { SquashService } from '../repo-history/squash.service';
import { HfCreateRepoDto, HfDeleteRepoDto, HfMoveRepoDto, HfRepoSettingsDto } from './dto/hf-repo.dto';

/** Repository management in the Hugging Face protocol, over ModelsService. */
@Injectable()
export class HfReposService {
  constructor(
    private readonly models: ModelsService,
    private readonly commits: CommitService,
    private readonly cards: ModelCardParser,
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
    private readonly links: HubLinks,
    private readonly access: ModelAccessService,
    private readonly squash: SquashService,
  ) {}

  async create(principal: Principal, dto: HfCreateRepoDto) {
    const kind = kindOfType(dto.type);
    const namespace = dto.organization || principal.username;
    const model = await this.models.create(principal, {
      kind,
      namespace,
      name: dto.name,
      visibility: dto.visibility,
      private: dto.visibility === undefined && typeof dto.private === 'boolean' ? dto.private : undefined,
    });
    if (dto.files?.length) {
      await this.commits.commit(principal, model, {
        branch: 'main',
        summary: 'Initial files',
        operations: dto.files.map((f) => ({ kind: 'put' as const, path: f.path, content: Buffer.from(f.content, 'base64') })),
      });
    }
    return this.repoUrl(model);
  }

  async delete(principal: Principal, dto: HfDeleteRepoDto): Promise<void> {
    await this.models.delete(principal, dto.organization || principal.username, dto.name, kindOfType(dto.type));
  }

  /** move_repo: rename or transfer; the old name keeps answering for the repository. */
  async move(principal: Principal, dto: HfMoveRepoDto) {
    const model = await this.models.move(principal, kindOfType(dto.type), dto.fromRepo, dto.toRepo);
    return this.repoUrl(model);
  }

  /** huggingface_hub parses `url` against its endpoint: datasets must be under `/datasets/`. */
  private repoUrl(model: ModelRecord) {
    return { url: `${this.links.origin()}${repoWebPath(model.kind, model.fullName)}`, id: model.id, name: model.fullName };
  }

  /** auth_check: 200 when the caller may read and download; 404 RepoNotFound, or 401/403 GatedRepo for a gated model. */
  async authCheck(principal: Principal | undefined, namespace: string, name: string, kind: RepoKind) {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    await this.access.assertCanDownload(principal, model);
    return { read: true, download: true };
  }

  /** super_squash_history: the branch's history becomes one commit; versions keep theirs. */
  async superSquash(principal: Principal, namespace: string, name: string, kind: RepoKind, branch: string, message?: string) {
    const model = await this.models.get(principal, namespace, name, kind);
    const { commitId } = await this.squash.superSquash(principal, model, branch, message);
    return { commitOid: commitId };
  }

  async updateSettings(principal: Principal, namespace: string, name: string, kind: RepoKind, dto: HfRepoSettingsDto) {
    const model = await this.models.updateSettings(principal, namespace, name, kind, dto);
    return { private: model.private, gated: model.gated === 'none' ? false : model.gated };
  }

  validateYaml(content: string) {
    const result = this.cards.validateYaml(content);
    if (result.errors.length) {
      // huggingface_hub reads `errors` from the 400 body and shows each message.
      throw new HubException(
        HttpStatus.BAD_REQUEST,
        'invalid_yaml',
        `The model card's YAML metadata is invalid: ${result.errors.map((e) => e.message).join('; ')}`,
        {
          body: { errors: result.errors, warnings: result.warnings },
        },
      );
    }
    return result;
  }
}

/** Hugging Face's `type` (absent: model); spaces are not hosted here. */
function kindOfType(type: string | undefined): RepoKind {
  if (!type || type === 'model') return 'model';
  if (type === 'dataset') return 'dataset';
  throw HubException.badRequest('unsupported_repo_type', `This hub hosts models and datasets; '${type}' repositories are not supported`);
}
