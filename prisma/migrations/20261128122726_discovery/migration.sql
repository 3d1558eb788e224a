-- CreateEnum
CREATE TYPE "blob_scan_kind" AS ENUM ('safetensors', 'pickle');

-- AlterTable
ALTER TABLE "models" ADD COLUMN     "parameters" BIGINT,
ADD COLUMN     "safetensors" JSONB,
ADD COLUMN     "search_body" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "search_vector" tsvector,
ADD COLUMN     "search_xid" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "security_scan" JSONB,
ADD COLUMN     "trending_score" DOUBLE PRECISION NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "model_likes" (
    "user_id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_likes_pkey" PRIMARY KEY ("user_id","model_id")
);

-- CreateTable
CREATE TABLE "model_download_days" (
    "model_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "downloads" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "model_download_days_pkey" PRIMARY KEY ("model_id","day")
);

-- CreateTable
CREATE TABLE "counted_downloads" (
    "model_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "path" TEXT NOT NULL,
    "who" TEXT NOT NULL,

    CONSTRAINT "counted_downloads_pkey" PRIMARY KEY ("model_id","day","path","who")
);

-- CreateTable
CREATE TABLE "blob_scans" (
    "blob_sha256" TEXT NOT NULL,
    "kind" "blob_scan_kind" NOT NULL,
    "verdict" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "scanner_version" INTEGER NOT NULL,
    "scanned_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "blob_scans_pkey" PRIMARY KEY ("blob_sha256")
);

-- CreateTable
CREATE TABLE "org_security_policies" (
    "organization_id" UUID NOT NULL,
    "block_dangerous_pickles" BOOLEAN NOT NULL DEFAULT false,
    "updated_by_id" UUID,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "org_security_policies_pkey" PRIMARY KEY ("organization_id")
);

-- CreateTable
CREATE TABLE "search_tombstones" (
    "model_id" UUID NOT NULL,
    "xid" BIGINT NOT NULL,
    "deleted_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "search_tombstones_pkey" PRIMARY KEY ("model_id")
);

-- CreateIndex
CREATE INDEX "model_likes_user_id_created_at_idx" ON "model_likes"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "model_likes_model_id_created_at_idx" ON "model_likes"("model_id", "created_at");

-- CreateIndex
CREATE INDEX "model_download_days_day_idx" ON "model_download_days"("day");

-- CreateIndex
CREATE INDEX "counted_downloads_day_idx" ON "counted_downloads"("day");

-- CreateIndex
CREATE INDEX "search_tombstones_xid_idx" ON "search_tombstones"("xid");

-- CreateIndex
CREATE INDEX "models_search_xid_idx" ON "models"("search_xid");

-- AddForeignKey
ALTER TABLE "model_likes" ADD CONSTRAINT "model_likes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_likes" ADD CONSTRAINT "model_likes_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_download_days" ADD CONSTRAINT "model_download_days_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "counted_downloads" ADD CONSTRAINT "counted_downloads_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "blob_scans" ADD CONSTRAINT "blob_scans_blob_sha256_fkey" FOREIGN KEY ("blob_sha256") REFERENCES "blobs"("sha256") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "org_security_policies" ADD CONSTRAINT "org_security_policies_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Discovery, by hand (docs/discovery.md): trigram matching, the weighted search document, the
-- change stamp every API process refreshes its search index from, and deleted-model tombstones.
-- Function bodies are E'' strings with \x3B for semicolons: Prisma's driver-adapter migration
-- runner splits scripts at every semicolon (dollar quotes included), so none may appear here,
-- not even in a comment. `prisma migrate deploy`, which sends the script whole, runs it alike.
-- ---------------------------------------------------------------------------------------------

-- Trigrams for typo-tolerant and partial name matching (trusted extension since PostgreSQL 13).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The words of a model or namespace name: "Qwen2.5-7B-Instruct" gives
-- "qwen2.5-7b-instruct qwen2 5 7b instruct", so both the whole name and its parts match.
CREATE FUNCTION hub_search_name_words(name text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS E' SELECT lower($1) || '' '' || regexp_replace(lower($1), ''[^[:alnum:]]+'', '' '', ''g'') ';

-- Before every insert or update of a model: stamp the transaction (search indexes refresh the rows
-- changed by transactions they have not seen), and rebuild the search document when one of its
-- sources changed. Weights: A the model name, B the namespace, tags, task and library, C the card
-- text (search_body, prepared by the application: Chinese is split into words and bigrams there).
CREATE FUNCTION models_search_fields() RETURNS trigger
  LANGUAGE plpgsql
  AS E'
BEGIN
  NEW.search_xid := pg_current_xact_id()::text::bigint\x3B
  IF TG_OP = ''INSERT'' OR NEW.search_vector IS NULL
     OR NEW.name IS DISTINCT FROM OLD.name OR NEW.namespace_id IS DISTINCT FROM OLD.namespace_id
     OR NEW.tags IS DISTINCT FROM OLD.tags OR NEW.pipeline_tag IS DISTINCT FROM OLD.pipeline_tag
     OR NEW.library_name IS DISTINCT FROM OLD.library_name OR NEW.search_body IS DISTINCT FROM OLD.search_body THEN
    NEW.search_vector :=
      setweight(to_tsvector(''simple'', hub_search_name_words(NEW.name)), ''A'') ||
      setweight(to_tsvector(''simple'', hub_search_name_words(coalesce((SELECT n.name FROM namespaces n WHERE n.id = NEW.namespace_id), ''''))), ''B'') ||
      setweight(to_tsvector(''simple'', array_to_string(NEW.tags, '' '') || '' '' || coalesce(NEW.pipeline_tag, '''') || '' '' || coalesce(NEW.library_name, '''')), ''B'') ||
      setweight(to_tsvector(''simple'', NEW.search_body), ''C'')\x3B
  END IF\x3B
  RETURN NEW\x3B
END
';

CREATE TRIGGER models_search_fields BEFORE INSERT OR UPDATE ON models
  FOR EACH ROW EXECUTE FUNCTION models_search_fields();

CREATE FUNCTION models_search_tombstone() RETURNS trigger
  LANGUAGE plpgsql
  AS E'
BEGIN
  INSERT INTO search_tombstones (model_id, xid) VALUES (OLD.id, pg_current_xact_id()::text::bigint)
    ON CONFLICT (model_id) DO UPDATE SET xid = EXCLUDED.xid, deleted_at = CURRENT_TIMESTAMP\x3B
  RETURN OLD\x3B
END
';

CREATE TRIGGER models_search_tombstone AFTER DELETE ON models
  FOR EACH ROW EXECUTE FUNCTION models_search_tombstone();

-- A model's searchable facts that live in other tables (its organization's `verified`, its licence
-- offers' commercial use) re-stamp the model, so search indexes pick the change up.
CREATE FUNCTION organizations_search_touch() RETURNS trigger
  LANGUAGE plpgsql
  AS E'
BEGIN
  IF NEW.verified IS DISTINCT FROM OLD.verified THEN
    UPDATE models SET search_xid = 0 WHERE namespace_id = NEW.namespace_id\x3B
  END IF\x3B
  RETURN NULL\x3B
END
';

CREATE TRIGGER organizations_search_touch AFTER UPDATE ON organizations
  FOR EACH ROW EXECUTE FUNCTION organizations_search_touch();

CREATE FUNCTION license_offers_search_touch() RETURNS trigger
  LANGUAGE plpgsql
  AS E'
BEGIN
  IF TG_OP = ''DELETE'' THEN
    UPDATE models SET search_xid = 0 WHERE id = OLD.model_id\x3B
  ELSE
    UPDATE models SET search_xid = 0 WHERE id = NEW.model_id\x3B
  END IF\x3B
  RETURN NULL\x3B
END
';

CREATE TRIGGER license_offers_search_touch AFTER INSERT OR UPDATE OR DELETE ON license_offers
  FOR EACH ROW EXECUTE FUNCTION license_offers_search_touch();

CREATE FUNCTION license_terms_search_touch() RETURNS trigger
  LANGUAGE plpgsql
  AS E'
BEGIN
  UPDATE models SET search_xid = 0 WHERE id = (SELECT o.model_id FROM license_offers o WHERE o.id = NEW.offer_id)\x3B
  RETURN NULL\x3B
END
';

CREATE TRIGGER license_terms_search_touch AFTER INSERT OR UPDATE ON license_terms_versions
  FOR EACH ROW EXECUTE FUNCTION license_terms_search_touch();

-- Existing models get their document and stamp.
UPDATE models SET search_xid = 0;

CREATE INDEX models_search_vector_idx ON models USING gin (search_vector);
CREATE INDEX models_name_trgm_idx ON models USING gin (lower(name) gin_trgm_ops);
