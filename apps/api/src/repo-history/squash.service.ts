import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { generateCommitId } from '../models/commit-id';
import { ModelAccessService } from '../models/model-access.service';
import type { ModelRecord } from '../models/model.repository';
import { CommitHooksPort } from './commit-hooks.port';
import { CommitRepository } from './commit.repository';
import { RevisionService, revisionNotFound } from './revision.service';

const MAX_MESSAGE = 1000;

/**
 * Hugging Face's super-squash: a branch's history becomes one commit with no parent holding the
 * head's files. Nothing is deleted: the old commits stay, so versions (and anyone holding a commit
 * id) keep reading exactly what they read before.
 */
@Injectable()
export class SquashService {
  constructor(
    private readonly commits: CommitRepository,
    private readonly revisions: RevisionService,
    private readonly access: ModelAccessService,
    private readonly hooks: CommitHooksPort,
  ) {}

  async superSquash(principal: Principal, model: ModelRecord, branch: string, message: string | undefined): Promise<{ commitId: string }> {
    await this.access.assertCanWrite(principal, model);
    const title = message?.trim() || `Super-squash branch '${branch}'`;
    if (title.length > MAX_MESSAGE)
      throw HubException.badRequest('invalid_summary', `The message has ${title.length} characters; at most ${MAX_MESSAGE} are allowed`);
    await this.revisions.branchHead(model, branch);
    const commitId = await this.commits.write(async (w) => {
      const head = await w.lockBranch(model.id, branch);
      if (!head) throw revisionNotFound(model, branch, ' (no such branch)');
      const at = new Date();
      const id = generateCommitId({ modelId: model.id, parentId: null, title, at });
      await w.insertCommit({ id, modelId: model.id, parentId: null, authorId: principal.userId, title, message: '', createdAt: at });
      await w.copyAllAsNew(head, id);
      await w.moveBranch(model.id, branch, id, at);
      await w.touchModel(model.id, at);
      return id;
    });
    await this.hooks.afterCommit(model, commitId);
    return { commitId };
  }
}
