-- AlterTable
ALTER TABLE "models" DROP COLUMN "search_vector";

-- CreateTable
CREATE TABLE "model_search_docs" (
    "model_id" UUID NOT NULL,
    "name_key" TEXT NOT NULL,
    "ns_key" TEXT NOT NULL,
    "document" tsvector,

    CONSTRAINT "model_search_docs_pkey" PRIMARY KEY ("model_id")
);

-- AddForeignKey
ALTER TABLE "model_search_docs" ADD CONSTRAINT "model_search_docs_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- By hand (docs/discovery.md): the search document moves out of the wide models rows into this
-- narrow table. Matching 17,000 of 100,000 models read 13,000 heap pages of models (and their
-- TOAST) and took 200-350 ms here, against 25-40 ms on the narrow table, whose documents stay
-- inline (STORAGE MAIN). Function bodies are E'' strings with \x3B for semicolons (see the first
-- discovery migration).
-- ---------------------------------------------------------------------------------------------

ALTER TABLE model_search_docs ALTER COLUMN document SET STORAGE MAIN;

-- The weighted document: A the model name, B the namespace, tags, task and library, C the card
-- text (search_body, prepared by the application: Chinese is split into words and bigrams there).
CREATE FUNCTION hub_search_document(name text, namespace text, tags text[], task text, library text, body text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS E' SELECT setweight(to_tsvector(''simple'', hub_search_name_words($1)), ''A'') ||
               setweight(to_tsvector(''simple'', hub_search_name_words($2)), ''B'') ||
               setweight(to_tsvector(''simple'', array_to_string($3, '' '') || '' '' || coalesce($4, '''') || '' '' || coalesce($5, '''')), ''B'') ||
               setweight(to_tsvector(''simple'', $6), ''C'') ';

-- Before every insert or update of a model: only the change stamp now.
CREATE OR REPLACE FUNCTION models_search_fields() RETURNS trigger
  LANGUAGE plpgsql
  AS E'
BEGIN
  NEW.search_xid := pg_current_xact_id()::text::bigint\x3B
  RETURN NEW\x3B
END
';

-- After an insert, or an update of one of its sources: the model's search document.
CREATE FUNCTION models_search_document() RETURNS trigger
  LANGUAGE plpgsql
  AS E'
BEGIN
  IF TG_OP = ''INSERT''
     OR NEW.name IS DISTINCT FROM OLD.name OR NEW.namespace_id IS DISTINCT FROM OLD.namespace_id
     OR NEW.tags IS DISTINCT FROM OLD.tags OR NEW.pipeline_tag IS DISTINCT FROM OLD.pipeline_tag
     OR NEW.library_name IS DISTINCT FROM OLD.library_name OR NEW.search_body IS DISTINCT FROM OLD.search_body THEN
    INSERT INTO model_search_docs (model_id, name_key, ns_key, document)
      SELECT NEW.id, lower(NEW.name), lower(n.name), hub_search_document(NEW.name, n.name, NEW.tags, NEW.pipeline_tag, NEW.library_name, NEW.search_body)
      FROM namespaces n WHERE n.id = NEW.namespace_id
      ON CONFLICT (model_id) DO UPDATE SET name_key = EXCLUDED.name_key, ns_key = EXCLUDED.ns_key, document = EXCLUDED.document\x3B
  END IF\x3B
  RETURN NULL\x3B
END
';

CREATE TRIGGER models_search_document AFTER INSERT OR UPDATE ON models
  FOR EACH ROW EXECUTE FUNCTION models_search_document();

INSERT INTO model_search_docs (model_id, name_key, ns_key, document)
  SELECT m.id, lower(m.name), lower(n.name), hub_search_document(m.name, n.name, m.tags, m.pipeline_tag, m.library_name, m.search_body)
  FROM models m JOIN namespaces n ON n.id = m.namespace_id;

DROP INDEX IF EXISTS models_name_trgm_idx;
CREATE INDEX model_search_docs_document_idx ON model_search_docs USING gin (document);
CREATE INDEX model_search_docs_name_trgm_idx ON model_search_docs USING gin (name_key gin_trgm_ops);
