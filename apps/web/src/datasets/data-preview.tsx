import { api, enc } from '../api';
import { ErrorBox } from '../components/error-box';
import { formatNumber, useI18n } from '../i18n';
import { repoApi } from '../repo-kind';
import type { TreeEntry } from '../types';
import { useLoad } from '../use-api';

/** `GET /api/v1/datasets/{ns}/{name}/preview` (docs/datasets.md). */
export interface DataPreview {
  path: string;
  revision: string;
  format: string;
  columns: { name: string; type: string }[];
  /** Each row as an array in column order, or as an object by column name. */
  rows: (unknown[] | Record<string, unknown>)[];
  /** null when the format does not give it cheaply. */
  rowCount: number | null;
  truncated: boolean;
}

/** The files the preview reads. */
export const DATA_FILE = /\.(csv|tsv|jsonl|ndjson|parquet)$/i;

/** The file a dataset's page previews: the one shown, else the first data file of the listing. */
export const previewedFile = (entries: TreeEntry[], shown: string) =>
  DATA_FILE.test(shown) ? shown : (entries.find((e) => e.type === 'file' && DATA_FILE.test(e.path))?.path ?? null);

const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** A table of a data file's first rows: the columns with their types, and the row count where the format gives it. */
export function DataPreviewTable({ ns, name, rev, path }: { ns: string; name: string; rev: string; path: string }) {
  const { t, lang } = useI18n();
  // After the page's own data: the preview reads the file, which may take a moment.
  const url = `${repoApi({ kind: 'dataset', ns, name })}/preview?path=${enc(path)}&revision=${enc(rev)}`;
  const state = useLoad(url, (signal) => api<DataPreview>(url, { signal }));
  return (
    <section aria-labelledby="preview-h">
      <h2 id="preview-h">{t('dataset.preview', { path })}</h2>
      {state.loading && <p class="muted">{t('loading')}</p>}
      {state.error != null && <ErrorBox error={state.error} />}
      {state.data && (
        <>
          <p class="muted small" data-testid="preview-count">
            {state.data.format} ·{' '}
            {state.data.rowCount === null
              ? t('dataset.rowsShownOpen', { shown: state.data.rows.length })
              : state.data.rows.length < state.data.rowCount
                ? t('dataset.rowsShown', { shown: state.data.rows.length, n: formatNumber(lang, state.data.rowCount) })
                : t('dataset.rows', { n: formatNumber(lang, state.data.rowCount) })}
          </p>
          <div class="scroll preview-box" tabIndex={0} role="region" aria-label={t('dataset.previewLabel', { path })}>
            <table class="files preview" data-testid="preview">
              <thead>
                <tr>
                  {state.data.columns.map((c) => (
                    <th key={c.name} scope="col">
                      {c.name} <span class="muted small">{c.type}</span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {state.data.rows.map((row, i) => (
                  <tr key={i}>
                    {state.data!.columns.map((c, j) => (
                      <td key={c.name}>{cell(Array.isArray(row) ? row[j] : row[c.name])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
