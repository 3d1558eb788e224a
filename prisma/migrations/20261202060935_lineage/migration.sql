-- CreateEnum
CREATE TYPE "lineage_relation" AS ENUM ('finetune', 'adapter', 'quantized', 'merge', 'dataset');

-- CreateEnum
CREATE TYPE "lineage_source" AS ENUM ('card', 'inferred');

-- AlterTable
ALTER TABLE "models" ADD COLUMN     "base_model_relation" "lineage_relation",
ADD COLUMN     "data_formats" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "license_conflict" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "size_categories" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "task_categories" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "lineage_edges" (
    "child_id" UUID NOT NULL,
    "parent_kind" "repo_kind" NOT NULL,
    "parent_namespace_key" TEXT NOT NULL,
    "parent_name_key" TEXT NOT NULL,
    "parent_ref" TEXT NOT NULL,
    "relation" "lineage_relation" NOT NULL,
    "source" "lineage_source" NOT NULL,

    CONSTRAINT "lineage_edges_pkey" PRIMARY KEY ("child_id","parent_kind","parent_namespace_key","parent_name_key")
);

-- CreateIndex
CREATE INDEX "lineage_edges_parent_kind_parent_namespace_key_parent_name__idx" ON "lineage_edges"("parent_kind", "parent_namespace_key", "parent_name_key");

-- AddForeignKey
ALTER TABLE "lineage_edges" ADD CONSTRAINT "lineage_edges_child_id_fkey" FOREIGN KEY ("child_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;
