-- CreateEnum
CREATE TYPE "repo_kind" AS ENUM ('model', 'dataset');

-- DropIndex
DROP INDEX "models_namespace_id_name_key_key";

-- AlterTable
ALTER TABLE "models" ADD COLUMN     "kind" "repo_kind" NOT NULL DEFAULT 'model';

-- AlterTable
ALTER TABLE "model_redirects" DROP CONSTRAINT "model_redirects_pkey",
ADD COLUMN     "kind" "repo_kind" NOT NULL DEFAULT 'model',
ADD CONSTRAINT "model_redirects_pkey" PRIMARY KEY ("kind", "namespace_key", "name_key");

-- CreateIndex
CREATE UNIQUE INDEX "models_namespace_id_kind_name_key_key" ON "models"("namespace_id", "kind", "name_key");
