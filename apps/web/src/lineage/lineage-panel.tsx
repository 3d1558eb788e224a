import { api, enc } from '../api';
import { useI18n } from '../i18n';
import { type RepoKind, type RepoRef, repoPath } from '../repo-kind';
import type { LicenseConflict, LineageGraph } from '../types';

/** How far the page walks the graph each way. */
const DEPTH = { up: 5, down: 2 } as const;

/** Both directions of a repository's lineage, requested with the page's own data (no second round trip). */
export function loadLineage(repo: RepoRef, signal: AbortSignal): Promise<{ up: LineageGraph; down: LineageGraph }> {
  const base = `/api/v1/lineage/${repo.kind}s/${enc(repo.ns)}/${enc(repo.name)}`;
  return Promise.all((['up', 'down'] as const).map((d) => api<LineageGraph>(`${base}?direction=${d}&depth=${DEPTH[d]}`, { signal }))).then(([up, down]) => ({
    up,
    down,
  }));
}

const nodeLink = (kind: RepoKind, id: string) => {
  const [ns, name] = id.split('/');
  return name ? repoPath({ kind, ns, name }) : null;
};

function Direction({ graph, title }: { graph: LineageGraph; title: string }) {
  const { t } = useI18n();
  return (
    <>
      <h3>{title}</h3>
      {graph.nodes.length === 0 && graph.hidden.total === 0 && <p class="muted small">{t('lineage.none')}</p>}
      <ul class="plain small" data-testid={`lineage-${graph.direction}`}>
        {graph.nodes.map((n) => {
          const href = n.resolved ? nodeLink(n.kind, n.id) : null;
          return (
            <li key={`${n.kind}:${n.id}:${n.via}`} style={{ paddingLeft: `${(n.depth - 1) * 0.8}rem` }}>
              <span class="badge">{n.relation}</span> {href ? <a href={href}>{n.id}</a> : n.id}
              {n.kind === 'dataset' && <span class="muted"> ({t('newRepo.dataset')})</span>}
              {n.license && <span class="muted"> · {n.license}</span>}
              {!n.resolved && <span class="muted"> · {t('lineage.unresolved')}</span>}
            </li>
          );
        })}
        {graph.hidden.total > 0 && <li class="muted">{t('lineage.hidden', { n: graph.hidden.total })}</li>}
      </ul>
    </>
  );
}

/** Upstream (datasets, base models) and downstream (fine-tunes, quantizations...) with their relation and licence. */
export function LineagePanel({ up, down }: { up: LineageGraph; down: LineageGraph }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="lineage-h">
      <h2 id="lineage-h">{t('lineage.title')}</h2>
      <Direction graph={up} title={t('lineage.up')} />
      <Direction graph={down} title={t('lineage.down')} />
    </section>
  );
}

/** The licence-conflict warning: each upstream node that forbids commercial use, named when the caller may see it. */
export function LicenseConflictWarning({ conflicts }: { conflicts: LicenseConflict[] }) {
  const { t } = useI18n();
  if (!conflicts.length) return null;
  return (
    <div class="warning" data-testid="license-conflict">
      {conflicts.map((c, i) => (
        <p key={i}>{t('lineage.conflict', { repo: c.repo ?? '—', license: c.license ?? '—', reason: c.reason })}</p>
      ))}
    </div>
  );
}
