import { formatDate, formatNumber, useI18n } from '../i18n';
import { repoPath } from '../repo-kind';
import type { SearchItem } from '../types';

export function formatParams(n: number): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [v, u] of units) if (n >= v) return `${(n / v).toFixed(n >= v * 10 ? 0 : 1)}${u}`;
  return String(n);
}

/** One search result: what a visitor compares models by, on one line or two. */
export function ModelRow({ m }: { m: SearchItem }) {
  const { t, lang } = useI18n();
  return (
    <li class="model-row">
      <a class="model-name" href={repoPath({ kind: m.kind ?? 'model', ns: m.namespace, name: m.name })}>
        <span class="muted">{m.namespace}/</span>
        {m.name}
      </a>
      {m.verified && (
        <span class="badge verified" title={t('model.verified')}>
          ✓ {t('model.verified')}
        </span>
      )}
      {m.licenseConflict && <span class="badge warn">{t('filter.licenseConflict')}</span>}
      <div class="meta">
        {m.task && <span class="chip">{m.task}</span>}
        {m.parameters != null && <span>{t('model.params', { n: formatParams(m.parameters) })}</span>}
        {m.license && <span>{m.license}</span>}
        <span>{t('model.downloads', { n: formatNumber(lang, m.downloads) })}</span>
        <span>{t('model.likes', { n: formatNumber(lang, m.likes) })}</span>
        <span>{t('model.updated', { d: formatDate(lang, m.updatedAt) })}</span>
      </div>
    </li>
  );
}
