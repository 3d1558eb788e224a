-- AlterTable
ALTER TABLE "model_search_docs" DROP COLUMN "name_key",
DROP COLUMN "ns_key",
ADD COLUMN     "doc_no" SERIAL NOT NULL,
ADD COLUMN     "doc_xid" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "search_name_words" (
    "word" TEXT NOT NULL,

    CONSTRAINT "search_name_words_pkey" PRIMARY KEY ("word")
);

-- CreateIndex
CREATE UNIQUE INDEX "model_search_docs_doc_no_key" ON "model_search_docs"("doc_no");

-- ---------------------------------------------------------------------------------------------
-- By hand (docs/discovery.md, "Typos and partial names"). Typos were matched by trigram word
-- similarity of the query with every model name: at 100,000 models a common word (`bert`) drew
-- 10,000 candidates whose similarity took ~50-80 ms to recheck, a cost growing with the catalogue.
-- Now each query word is corrected against the vocabulary of name words (thousands of words, not
-- models), and the corrections join the text query as alternatives. Function bodies are E''
-- strings with \x3B for semicolons (see the first discovery migration).
-- ---------------------------------------------------------------------------------------------

CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

-- The letters of a word in order: equal for two words that differ by a transposition.
CREATE FUNCTION hub_sorted_chars(word text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS E' SELECT string_agg(c, '''' ORDER BY c) FROM regexp_split_to_table($1, '''') c ';

-- After an insert, or an update of one of its sources: the model's search document, stamped with
-- the writing transaction (search processes re-match their cached terms against it). An update
-- first, and an insert only for a new model: INSERT … ON CONFLICT would draw a doc_no from the
-- sequence at every card change, and search processes size an array by the largest doc_no.
CREATE OR REPLACE FUNCTION models_search_document() RETURNS trigger
  LANGUAGE plpgsql
  AS E'
DECLARE
  doc tsvector\x3B
BEGIN
  IF TG_OP = ''INSERT''
     OR NEW.name IS DISTINCT FROM OLD.name OR NEW.namespace_id IS DISTINCT FROM OLD.namespace_id
     OR NEW.tags IS DISTINCT FROM OLD.tags OR NEW.pipeline_tag IS DISTINCT FROM OLD.pipeline_tag
     OR NEW.library_name IS DISTINCT FROM OLD.library_name OR NEW.search_body IS DISTINCT FROM OLD.search_body THEN
    SELECT hub_search_document(NEW.name, n.name, NEW.tags, NEW.pipeline_tag, NEW.library_name, NEW.search_body) INTO doc
      FROM namespaces n WHERE n.id = NEW.namespace_id\x3B
    UPDATE model_search_docs SET document = doc, doc_xid = pg_current_xact_id()::text::bigint WHERE model_id = NEW.id\x3B
    IF NOT FOUND THEN
      INSERT INTO model_search_docs (model_id, document, doc_xid) VALUES (NEW.id, doc, pg_current_xact_id()::text::bigint)\x3B
    END IF\x3B
  END IF\x3B
  RETURN NULL\x3B
END
';

-- The alphanumeric words of the name (weight A) into the vocabulary. In lexeme order, so that two
-- transactions adding the same new words wait for each other in one order (no deadlock).
CREATE FUNCTION model_search_docs_vocabulary() RETURNS trigger
  LANGUAGE plpgsql
  AS E'
BEGIN
  INSERT INTO search_name_words (word)
    SELECT w FROM unnest(tsvector_to_array(ts_filter(NEW.document, ''{a}''))) w
    WHERE w ~ ''^[[:alnum:]]+$'' AND length(w) BETWEEN 2 AND 64 ORDER BY w
    ON CONFLICT (word) DO NOTHING\x3B
  RETURN NULL\x3B
END
';

CREATE TRIGGER model_search_docs_vocabulary AFTER INSERT OR UPDATE OF document ON model_search_docs
  FOR EACH ROW EXECUTE FUNCTION model_search_docs_vocabulary();

INSERT INTO search_name_words (word)
  SELECT DISTINCT w FROM model_search_docs d, unnest(tsvector_to_array(ts_filter(d.document, '{a}'))) w
  WHERE w ~ '^[[:alnum:]]+$' AND length(w) BETWEEN 2 AND 64
  ON CONFLICT (word) DO NOTHING;

-- Corrections: trigram similarity and substrings (GIN trigrams), one-edit neighbours (first letter
-- and length, btree).
CREATE INDEX search_name_words_trgm_idx ON search_name_words USING gin (word gin_trgm_ops);
CREATE INDEX search_name_words_shape_idx ON search_name_words (left(word, 1), length(word));
