import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { HubLinks } from '../links/hub-links.service';
import { ModelCardParser } from '../models/model-card.parser';
import { ModelsService } from '../models/models.service';
import { ModelAccessService } from '../models/model-access.service';
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
    assertModelType(dto.type);
    const namespace = dto.organization || principal.username;
    const model = await this.models.create(principal, {
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
    return { url: `${this.links.origin()}/${model.fullName}`, id: model.id, name: model.fullName };
  }

  async delete(principal: Principal, dto: HfDeleteRepoDto): Promise<void> {
    assertModelType(dto.type);
    await this.models.delete(principal, dto.organization || principal.username, dto.name);
  }

  /** move_repo: rename or transfer; the old name keeps answering for the model. */
  async move(principal: Principal, dto: HfMoveRepoDto) {
    assertModelType(dto.type);
    const model = await this.models.move(principal, dto.fromRepo, dto.toRepo);
    return { url: `${this.links.origin()}/${model.fullName}`, id: model.id, name: model.fullName };
  }

  /** auth_check: 200 when the caller may read and download; 404 RepoNotFound, or 401/403 GatedRepo for a gated model. */
  async authCheck(principal: Principal | undefined, namespace: string, name: string) {
    const model = await this.access.findReadable(principal, namespace, name);
    await this.access.assertCanDownload(principal, model);
    return { read: true, download: true };
  }

  /** super_squash_history: the branch's history becomes one commit; versions keep theirs. */
  async superSquash(principal: Principal, namespace: string, name: string, branch: string, message?: string) {
    const model = await this.models.get(principal, namespace, name);
    const { commitId } = await this.squash.superSquash(principal, model, branch, message);
    return { commitOid: commitId };
  }

  async updateSettings(principal: Principal, namespace: string, name: string, dto: HfRepoSettingsDto) {
    const model = await this.models.updateSettings(principal, namespace, name, dto);
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

function assertModelType(type: string | undefined): void {
  if (type && type !== 'model') {
    throw HubException.badRequest('unsupported_repo_type', `This hub hosts models only; '${type}' repositories are not supported`);
  }
}
