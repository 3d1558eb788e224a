-- CreateEnum
CREATE TYPE "gated_mode" AS ENUM ('none', 'auto', 'manual');

-- CreateEnum
CREATE TYPE "upload_status" AS ENUM ('pending', 'completed', 'failed', 'aborted');

-- CreateEnum
CREATE TYPE "version_status" AS ENUM ('active', 'deprecated');

-- CreateTable
CREATE TABLE "models" (
    "id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "private" BOOLEAN NOT NULL DEFAULT false,
    "gated" "gated_mode" NOT NULL DEFAULT 'none',
    "license" TEXT,
    "pipeline_tag" TEXT,
    "library_name" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "languages" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "datasets" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "base_models" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "card_data" JSONB,
    "card_warnings" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "downloads" INTEGER NOT NULL DEFAULT 0,
    "likes" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_modified" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "models_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "blobs" (
    "sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "storage_key" TEXT,
    "inline_data" BYTEA,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "blobs_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "uploads" (
    "id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "user_id" UUID,
    "sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "staging_key" TEXT NOT NULL,
    "multipart_upload_id" TEXT,
    "part_count" INTEGER,
    "status" "upload_status" NOT NULL DEFAULT 'pending',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "completed_at" TIMESTAMP(3),

    CONSTRAINT "uploads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "commits" (
    "id" CHAR(40) NOT NULL,
    "model_id" UUID NOT NULL,
    "parent_id" CHAR(40),
    "author_id" UUID,
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "commits_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "commit_files" (
    "commit_id" CHAR(40) NOT NULL,
    "path" TEXT NOT NULL,
    "blob_sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "lfs" BOOLEAN NOT NULL DEFAULT false,
    "last_commit_id" CHAR(40) NOT NULL,

    CONSTRAINT "commit_files_pkey" PRIMARY KEY ("commit_id","path")
);

-- CreateTable
CREATE TABLE "branches" (
    "model_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "commit_id" CHAR(40) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "branches_pkey" PRIMARY KEY ("model_id","name")
);

-- CreateTable
CREATE TABLE "versions" (
    "model_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "commit_id" CHAR(40) NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    "status" "version_status" NOT NULL DEFAULT 'active',
    "deprecation_message" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deprecated_at" TIMESTAMP(3),

    CONSTRAINT "versions_pkey" PRIMARY KEY ("model_id","name")
);

-- CreateTable
CREATE TABLE "download_events" (
    "id" BIGSERIAL NOT NULL,
    "model_id" UUID NOT NULL,
    "path" TEXT NOT NULL,
    "commit_id" CHAR(40) NOT NULL,
    "blob_sha256" TEXT NOT NULL,
    "user_id" UUID,
    "address" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "download_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "models_last_modified_idx" ON "models"("last_modified");

-- CreateIndex
CREATE UNIQUE INDEX "models_namespace_id_name_key_key" ON "models"("namespace_id", "name_key");

-- CreateIndex
CREATE INDEX "blobs_created_at_idx" ON "blobs"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "uploads_staging_key_key" ON "uploads"("staging_key");

-- CreateIndex
CREATE INDEX "uploads_sha256_status_idx" ON "uploads"("sha256", "status");

-- CreateIndex
CREATE INDEX "uploads_status_expires_at_idx" ON "uploads"("status", "expires_at");

-- CreateIndex
CREATE INDEX "commits_model_id_created_at_idx" ON "commits"("model_id", "created_at");

-- CreateIndex
CREATE INDEX "commit_files_blob_sha256_idx" ON "commit_files"("blob_sha256");

-- CreateIndex
CREATE INDEX "download_events_model_id_created_at_idx" ON "download_events"("model_id", "created_at");

-- AddForeignKey
ALTER TABLE "models" ADD CONSTRAINT "models_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "commits" ADD CONSTRAINT "commits_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "commits" ADD CONSTRAINT "commits_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "commit_files" ADD CONSTRAINT "commit_files_commit_id_fkey" FOREIGN KEY ("commit_id") REFERENCES "commits"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "commit_files" ADD CONSTRAINT "commit_files_blob_sha256_fkey" FOREIGN KEY ("blob_sha256") REFERENCES "blobs"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "branches" ADD CONSTRAINT "branches_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "versions" ADD CONSTRAINT "versions_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "download_events" ADD CONSTRAINT "download_events_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;
