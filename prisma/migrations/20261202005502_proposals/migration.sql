-- CreateEnum
CREATE TYPE "ref_kind" AS ENUM ('branch', 'pull_request');

-- CreateEnum
CREATE TYPE "discussion_status" AS ENUM ('draft', 'open', 'closed', 'merged');

-- CreateEnum
CREATE TYPE "discussion_event_type" AS ENUM ('comment', 'status_change', 'commit', 'title_change', 'review');

-- CreateEnum
CREATE TYPE "proposal_audience" AS ENUM ('anyone', 'verified_organizations', 'members');

-- AlterTable
ALTER TABLE "commits" ADD COLUMN     "committer_id" UUID,
ADD COLUMN     "merged_parent_id" CHAR(40);

-- AlterTable
ALTER TABLE "branches" ADD COLUMN     "kind" "ref_kind" NOT NULL DEFAULT 'branch';

-- CreateTable
CREATE TABLE "discussion_counters" (
    "model_id" UUID NOT NULL,
    "last" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "discussion_counters_pkey" PRIMARY KEY ("model_id")
);

-- CreateTable
CREATE TABLE "discussions" (
    "id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "is_pull_request" BOOLEAN NOT NULL,
    "title" TEXT NOT NULL,
    "status" "discussion_status" NOT NULL,
    "author_id" UUID,
    "target_branch" TEXT,
    "base_commit_id" CHAR(40),
    "merge_commit_id" CHAR(40),
    "merged_by_id" UUID,
    "merged_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "discussions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "discussion_events" (
    "id" CHAR(24) NOT NULL,
    "discussion_id" UUID NOT NULL,
    "type" "discussion_event_type" NOT NULL,
    "author_id" UUID,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "discussion_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "org_proposal_settings" (
    "organization_id" UUID NOT NULL,
    "who_may_propose" "proposal_audience" NOT NULL DEFAULT 'anyone',
    "required_approvals" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "org_proposal_settings_pkey" PRIMARY KEY ("organization_id")
);

-- CreateIndex
CREATE INDEX "discussions_model_id_created_at_idx" ON "discussions"("model_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "discussions_model_id_number_key" ON "discussions"("model_id", "number");

-- CreateIndex
CREATE INDEX "discussion_events_discussion_id_created_at_idx" ON "discussion_events"("discussion_id", "created_at");

-- AddForeignKey
ALTER TABLE "discussion_counters" ADD CONSTRAINT "discussion_counters_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "discussions" ADD CONSTRAINT "discussions_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "discussions" ADD CONSTRAINT "discussions_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "discussion_events" ADD CONSTRAINT "discussion_events_discussion_id_fkey" FOREIGN KEY ("discussion_id") REFERENCES "discussions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "discussion_events" ADD CONSTRAINT "discussion_events_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "org_proposal_settings" ADD CONSTRAINT "org_proposal_settings_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
