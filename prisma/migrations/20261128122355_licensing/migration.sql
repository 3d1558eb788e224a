-- CreateEnum
CREATE TYPE "license_offer_kind" AS ENUM ('open', 'custom');

-- CreateEnum
CREATE TYPE "license_approval" AS ENUM ('auto', 'manual');

-- CreateEnum
CREATE TYPE "license_price_period" AS ENUM ('once', 'month', 'year', 'per-call');

-- CreateEnum
CREATE TYPE "license_request_status" AS ENUM ('pending', 'approved', 'rejected', 'cancelled');

-- CreateEnum
CREATE TYPE "webhook_delivery_status" AS ENUM ('pending', 'delivered', 'failed');

-- CreateTable
CREATE TABLE "license_offers" (
    "id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "kind" "license_offer_kind" NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "spdx_id" TEXT,
    "approval" "license_approval" NOT NULL,
    "questions" JSONB NOT NULL DEFAULT '[]',
    "current_version" INTEGER NOT NULL DEFAULT 1,
    "withdrawn_at" TIMESTAMPTZ(6),
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "license_offers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "license_terms_versions" (
    "offer_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "text" TEXT NOT NULL DEFAULT '',
    "commercial_use" BOOLEAN NOT NULL,
    "fields_of_use" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "territories" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "seats" INTEGER,
    "duration_days" INTEGER,
    "price_amount" DECIMAL(18,4),
    "price_currency" TEXT,
    "price_period" "license_price_period",
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "license_terms_versions_pkey" PRIMARY KEY ("offer_id","version")
);

-- CreateTable
CREATE TABLE "license_requests" (
    "id" UUID NOT NULL,
    "offer_id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "requester_id" UUID,
    "grantee_org_id" UUID,
    "grantee_user_id" UUID,
    "terms_version" INTEGER NOT NULL,
    "answers" JSONB NOT NULL DEFAULT '{}',
    "message" TEXT NOT NULL DEFAULT '',
    "status" "license_request_status" NOT NULL DEFAULT 'pending',
    "decided_by_id" UUID,
    "decided_at" TIMESTAMPTZ(6),
    "decision_note" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "license_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "license_grants" (
    "id" UUID NOT NULL,
    "offer_id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "request_id" UUID,
    "grantee_org_id" UUID,
    "grantee_user_id" UUID,
    "terms_version" INTEGER NOT NULL,
    "starts_at" TIMESTAMPTZ(6) NOT NULL,
    "ends_at" TIMESTAMPTZ(6),
    "revoked_at" TIMESTAMPTZ(6),
    "revoked_by_id" UUID,
    "revoke_reason" TEXT,
    "expiring_notified_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "license_grants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "license_audit_events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "action" TEXT NOT NULL,
    "actor_user_id" UUID,
    "actor_name" TEXT,
    "model_id" UUID,
    "model_name" TEXT,
    "publisher_org_id" UUID,
    "licensee_org_id" UUID,
    "licensee_user_id" UUID,
    "licensee_name" TEXT,
    "offer_id" UUID,
    "terms_version" INTEGER,
    "request_id" UUID,
    "grant_id" UUID,
    "via" TEXT,
    "path" TEXT,
    "revision" TEXT,
    "commit_id" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "license_audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "data" JSONB NOT NULL DEFAULT '{}',
    "read_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhooks" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT[],
    "secret" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhooks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "webhook_id" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" "webhook_delivery_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "log" JSONB NOT NULL DEFAULT '[]',
    "delivered_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "license_offers_model_id_idx" ON "license_offers"("model_id");

-- CreateIndex
CREATE INDEX "license_requests_model_id_status_idx" ON "license_requests"("model_id", "status");

-- CreateIndex
CREATE INDEX "license_requests_grantee_org_id_status_idx" ON "license_requests"("grantee_org_id", "status");

-- CreateIndex
CREATE INDEX "license_requests_grantee_user_id_status_idx" ON "license_requests"("grantee_user_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "license_grants_request_id_key" ON "license_grants"("request_id");

-- CreateIndex
CREATE INDEX "license_grants_model_id_idx" ON "license_grants"("model_id");

-- CreateIndex
CREATE INDEX "license_grants_grantee_org_id_idx" ON "license_grants"("grantee_org_id");

-- CreateIndex
CREATE INDEX "license_grants_grantee_user_id_idx" ON "license_grants"("grantee_user_id");

-- CreateIndex
CREATE INDEX "license_audit_events_publisher_org_id_at_idx" ON "license_audit_events"("publisher_org_id", "at");

-- CreateIndex
CREATE INDEX "license_audit_events_licensee_org_id_at_idx" ON "license_audit_events"("licensee_org_id", "at");

-- CreateIndex
CREATE INDEX "license_audit_events_model_id_action_at_idx" ON "license_audit_events"("model_id", "action", "at");

-- CreateIndex
CREATE INDEX "license_audit_events_grant_id_idx" ON "license_audit_events"("grant_id");

-- CreateIndex
CREATE INDEX "notifications_user_id_created_at_idx" ON "notifications"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "webhooks_organization_id_idx" ON "webhooks"("organization_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_webhook_id_created_at_idx" ON "webhook_deliveries"("webhook_id", "created_at");

-- AddForeignKey
ALTER TABLE "license_offers" ADD CONSTRAINT "license_offers_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "license_terms_versions" ADD CONSTRAINT "license_terms_versions_offer_id_fkey" FOREIGN KEY ("offer_id") REFERENCES "license_offers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "license_requests" ADD CONSTRAINT "license_requests_offer_id_fkey" FOREIGN KEY ("offer_id") REFERENCES "license_offers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "license_requests" ADD CONSTRAINT "license_requests_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "license_requests" ADD CONSTRAINT "license_requests_requester_id_fkey" FOREIGN KEY ("requester_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "license_requests" ADD CONSTRAINT "license_requests_grantee_org_id_fkey" FOREIGN KEY ("grantee_org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "license_requests" ADD CONSTRAINT "license_requests_grantee_user_id_fkey" FOREIGN KEY ("grantee_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "license_requests" ADD CONSTRAINT "license_requests_decided_by_id_fkey" FOREIGN KEY ("decided_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "license_grants" ADD CONSTRAINT "license_grants_offer_id_fkey" FOREIGN KEY ("offer_id") REFERENCES "license_offers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "license_grants" ADD CONSTRAINT "license_grants_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "license_grants" ADD CONSTRAINT "license_grants_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "license_requests"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "license_grants" ADD CONSTRAINT "license_grants_grantee_org_id_fkey" FOREIGN KEY ("grantee_org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "license_grants" ADD CONSTRAINT "license_grants_grantee_user_id_fkey" FOREIGN KEY ("grantee_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written, as Prisma's schema cannot express them (the snapshot diff never touches them).
-- A request or grant names exactly one grantee, an organization or a user.
ALTER TABLE "license_requests" ADD CONSTRAINT "license_requests_one_grantee" CHECK (num_nonnulls("grantee_org_id", "grantee_user_id") = 1);
ALTER TABLE "license_grants" ADD CONSTRAINT "license_grants_one_grantee" CHECK (num_nonnulls("grantee_org_id", "grantee_user_id") = 1);
-- At most one pending request per model and grantee, whatever races the API sees.
CREATE UNIQUE INDEX "license_requests_one_pending" ON "license_requests"("model_id", COALESCE("grantee_org_id", "grantee_user_id")) WHERE "status" = 'pending';
