import { Injectable } from '@nestjs/common';
import { Prisma, type RepoKind } from '../generated/prisma/client';
import { CacheInvalidation } from '../cache/cache-invalidation.service';
import { PrismaService } from '../database/prisma.service';
import { namespaceKey } from '../namespaces/namespace-rules';
import type { InitialFile } from './default-gitattributes';
import { modelNameKey } from './model-name-rules';
import type { GatedMode } from './model-visibility';

/** The columns a model card fills. */
export interface ModelCardColumns {
  license: string | null;
  pipelineTag: string | null;
  libraryName: string | null;
  tags: string[];
  languages: string[];
  datasets: string[];
  baseModels: string[];
  /** Dataset cards: `task_categories` and `size_categories`. */
  taskCategories: string[];
  sizeCategories: string[];
  cardData: Record<string, unknown> | null;
  cardWarnings: string[];
}

/** Just the card columns of a row or record (so that no other field leaks into an answer). */
export const cardColumnsOf = (m: ModelCardColumns): ModelCardColumns => ({
  license: m.license,
  pipelineTag: m.pipelineTag,
  libraryName: m.libraryName,
  tags: m.tags,
  languages: m.languages,
  datasets: m.datasets,
  baseModels: m.baseModels,
  taskCategories: m.taskCategories,
  sizeCategories: m.sizeCategories,
  cardData: m.cardData,
  cardWarnings: m.cardWarnings,
});

/** A model as the services see it. Never a Prisma type: other modules code against this shape. */
export interface ModelRecord extends ModelCardColumns {
  /** The model's uuid (foreign key for commits, branches, uploads...). */
  id: string;
  /** `model` or `dataset`: both kinds live in this table and go through the same services. */
  kind: RepoKind;
  namespaceId: string;
  /** The namespace's name as its owner spelled it. */
  namespace: string;
  namespaceKind: 'user' | 'org';
  /** Set when the namespace is a user's. */
  ownerUserId: string | null;
  /** Set when the namespace is an organization's. */
  ownerOrgId: string | null;
  name: string;
  /** `namespace/name`, the Hugging Face repo id. */
  fullName: string;
  private: boolean;
  gated: GatedMode;
  downloads: number;
  likes: number;
  /** Discovery: counted downloads and likes of the last 7 days, newer days weighing more. */
  trendingScore: number;
  /** Discovery: parameters in the safetensors files at `main` (null until scanned). */
  parameters: number | null;
  /** Discovery: Hugging Face's `safetensors` ({parameters: {dtype: n}, total}) for `main`. */
  safetensors: { parameters: Record<string, number>; total: number } | null;
  /** Discovery: the pickle scan of the files at `main` (see discovery/scanners). */
  securityScan: Record<string, unknown> | null;
  createdAt: Date;
  lastModified: Date;
  /** Head of `main` when the record was read (every model has one from its creation on). */
  mainCommitId: string | null;
  /** Datasets: the data formats of the files at `main` (lineage/dataset-formats.ts). */
  dataFormats: string[];
  /** Commercial use allowed here, forbidden upstream (docs/lineage.md). */
  licenseConflict: boolean;
  /** How the model derives from its base models (null: none named). */
  baseModelRelation: string | null;
}

export const MODEL_SORTS = ['downloads', 'likes', 'lastModified', 'createdAt', 'trendingScore'] as const;
export type ModelSort = (typeof MODEL_SORTS)[number];

const include = {
  namespace: { include: { user: { select: { id: true } }, organization: { select: { id: true } } } },
  branches: { where: { name: 'main' }, select: { commitId: true } },
} satisfies Prisma.ModelInclude;

type ModelRow = Prisma.ModelGetPayload<{ include: typeof include }>;

const toRecord = (m: ModelRow): ModelRecord => ({
  id: m.id,
  kind: m.kind,
  namespaceId: m.namespaceId,
  namespace: m.namespace.name,
  namespaceKind: m.namespace.kind,
  ownerUserId: m.namespace.user?.id ?? null,
  ownerOrgId: m.namespace.organization?.id ?? null,
  name: m.name,
  fullName: `${m.namespace.name}/${m.name}`,
  private: m.private,
  gated: m.gated,
  ...cardColumnsOf({ ...m, cardData: (m.cardData as Record<string, unknown> | null) ?? null }),
  downloads: m.downloads,
  likes: m.likes,
  trendingScore: m.trendingScore,
  parameters: m.parameters === null ? null : Number(m.parameters),
  safetensors: (m.safetensors as ModelRecord['safetensors']) ?? null,
  securityScan: (m.securityScan as Record<string, unknown> | null) ?? null,
  createdAt: m.createdAt,
  lastModified: m.lastModified,
  mainCommitId: m.branches[0]?.commitId ?? null,
  dataFormats: m.dataFormats,
  licenseConflict: m.licenseConflict,
  baseModelRelation: m.baseModelRelation,
});

@Injectable()
export class ModelRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly invalidation: CacheInvalidation,
  ) {}

  /** The repository of this kind named so, or the one that had this name before it was moved (ModelRedirect). */
  async findByName(namespace: string, name: string, kind: RepoKind): Promise<ModelRecord | null> {
    const key = { kind, nameKey: modelNameKey(name), namespaceKey: namespaceKey(namespace) };
    const current = await this.prisma.model.findFirst({ where: { kind, nameKey: key.nameKey, namespace: { nameKey: key.namespaceKey } }, include });
    if (current) return toRecord(current);
    const moved = await this.prisma.modelRedirect.findUnique({ where: { kind_namespaceKey_nameKey: key }, select: { model: { include } } });
    return moved ? toRecord(moved.model) : null;
  }

  /**
   * Renames or transfers a model: the row keeps its id, so history, versions, grants, likes and
   * downloads stay with it; the old name becomes a redirect. Returns null when the target name is taken.
   */
  async move(id: string, to: { namespaceId: string; name: string }): Promise<ModelRecord | null> {
    const target = { nameKey: modelNameKey(to.name) };
    try {
      await this.prisma.$transaction(async (tx) => {
        const before = await tx.model.findUniqueOrThrow({ where: { id }, select: { kind: true, nameKey: true, namespace: { select: { nameKey: true } } } });
        const after = await tx.namespace.findUniqueOrThrow({ where: { id: to.namespaceId }, select: { nameKey: true } });
        await tx.model.update({ where: { id }, data: { namespaceId: to.namespaceId, name: to.name, nameKey: target.nameKey } });
        await tx.modelRedirect.deleteMany({ where: { kind: before.kind, namespaceKey: after.nameKey, nameKey: target.nameKey } });
        if (before.namespace.nameKey !== after.nameKey || before.nameKey !== target.nameKey) {
          await tx.modelRedirect.upsert({
            where: { kind_namespaceKey_nameKey: { kind: before.kind, namespaceKey: before.namespace.nameKey, nameKey: before.nameKey } },
            create: { kind: before.kind, namespaceKey: before.namespace.nameKey, nameKey: before.nameKey, modelId: id },
            update: { modelId: id, createdAt: new Date() },
          });
        }
      });
    } catch (e) {
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') return null;
      throw e;
    }
    // Every replica's cache holds the model under its old name.
    await this.invalidation.publish(this.prisma, 'model', { modelId: id });
    return this.findById(id);
  }

  findById(id: string): Promise<ModelRecord | null> {
    return this.prisma.model.findUnique({ where: { id }, include }).then((m) => (m ? toRecord(m) : null));
  }

  /**
   * Creates the model, its first commit (with `files`, stored inline) and its `main` branch in one
   * transaction, so no model ever exists without `main`. Returns null when the name is already
   * taken in the namespace.
   */
  async createWithInitialCommit(data: {
    kind: RepoKind;
    namespaceId: string;
    name: string;
    private: boolean;
    gated: GatedMode;
    authorId: string;
    commit: { id: string; title: string; createdAt: Date };
    files: InitialFile[];
    /** Filled in by the caller before the insert: the commit id hashes the model id. */
    id: string;
  }): Promise<ModelRecord | null> {
    try {
      await this.prisma.$transaction(async (tx) => {
        await tx.model.create({
          data: {
            id: data.id,
            kind: data.kind,
            namespaceId: data.namespaceId,
            name: data.name,
            nameKey: modelNameKey(data.name),
            private: data.private,
            gated: data.gated,
            createdAt: data.commit.createdAt,
            lastModified: data.commit.createdAt,
          },
        });
        await tx.commit.create({
          data: { id: data.commit.id, modelId: data.id, authorId: data.authorId, title: data.commit.title, createdAt: data.commit.createdAt },
        });
        for (const f of data.files) {
          // Touching a known blob's row locks it, so garbage collection cannot delete it before the file row references it.
          await tx.$executeRaw`
            INSERT INTO blobs (sha256, size, storage_key, inline_data, git_oid, created_at)
            VALUES (${f.sha256}, ${f.size}, NULL, ${f.bytes}, ${f.gitOid}, now())
            ON CONFLICT (sha256) DO UPDATE SET created_at = now(), git_oid = COALESCE(blobs.git_oid, EXCLUDED.git_oid)`;
          await tx.commitFile.create({
            data: { commitId: data.commit.id, path: f.path, blobSha256: f.sha256, size: f.size, lfs: false, lastCommitId: data.commit.id },
          });
        }
        await tx.branch.create({ data: { modelId: data.id, name: 'main', commitId: data.commit.id } });
        // A new repository taking a moved one's old name (of the same kind) ends that redirect.
        await tx.$executeRaw`
          DELETE FROM model_redirects r USING namespaces n
          WHERE n.id = ${data.namespaceId}::uuid AND r.namespace_key = n.name_key AND r.name_key = ${modelNameKey(data.name)} AND r.kind = ${data.kind}::repo_kind`;
      });
    } catch (e) {
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') return null;
      throw e;
    }
    return this.findById(data.id);
  }

  async updateSettings(id: string, settings: { private: boolean; gated: GatedMode }): Promise<ModelRecord> {
    const record = toRecord(await this.prisma.model.update({ where: { id }, data: settings, include }));
    await this.invalidation.publish(this.prisma, 'model', { modelId: id });
    return record;
  }

  async updateCard(id: string, card: ModelCardColumns): Promise<void> {
    await this.prisma.model.update({
      where: { id },
      data: { ...card, cardData: card.cardData === null ? Prisma.DbNull : (card.cardData as Prisma.InputJsonObject) },
    });
    await this.invalidation.publish(this.prisma, 'model', { modelId: id });
  }

  /** Records a commit's time as the model's last modification. */
  async touchLastModified(id: string, at: Date): Promise<void> {
    await this.prisma.model.update({ where: { id }, data: { lastModified: at } });
  }

  /** Deletes the model; commits, branches, versions, uploads and download events go with it. */
  async delete(id: string): Promise<boolean> {
    const deleted = (await this.prisma.model.deleteMany({ where: { id } })).count > 0;
    if (deleted) await this.invalidation.publish(this.prisma, 'model', { modelId: id });
    return deleted;
  }

  /** The authors of the model's merged proposals (pull requests), most merges first: the contributors model info credits. */
  async contributors(modelId: string): Promise<{ username: string; merged: number }[]> {
    const rows = await this.prisma.$queryRaw<{ username: string; merged: bigint }[]>`
      SELECT u.username, count(*) AS merged FROM discussions d JOIN users u ON u.id = d.author_id
      WHERE d.model_id = ${modelId}::uuid AND d.status = 'merged'
      GROUP BY u.username ORDER BY count(*) DESC, u.username`;
    return rows.map((r) => ({ username: r.username, merged: Number(r.merged) }));
  }

  /** The models with these ids, in the order given (ids of models that no longer exist are skipped). */
  async findByIds(ids: string[]): Promise<ModelRecord[]> {
    if (!ids.length) return [];
    const rows = new Map((await this.prisma.model.findMany({ where: { id: { in: ids } }, include })).map((m) => [m.id, toRecord(m)]));
    return ids.flatMap((id) => rows.get(id) ?? []);
  }
}
