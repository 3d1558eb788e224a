import { useLocation } from 'preact-iso';
import { useI18n } from '../i18n';
import { listPath, type RepoKind } from '../repo-kind';

export function SearchBox({ initial = '', kind = 'model' }: { initial?: string; kind?: RepoKind }) {
  const { t } = useI18n();
  const { route } = useLocation();
  const submit = (e: Event) => {
    e.preventDefault();
    const q = String(new FormData(e.target as HTMLFormElement).get('q') ?? '').trim();
    route(q ? `${listPath(kind)}?q=${encodeURIComponent(q)}` : listPath(kind));
  };
  return (
    <form class="search" role="search" onSubmit={submit}>
      <label for="q" class="sr-only">
        {t(kind === 'dataset' ? 'datasets.search' : 'search.label')}
      </label>
      <input
        id="q"
        key={initial}
        name="q"
        type="search"
        defaultValue={initial}
        placeholder={t(kind === 'dataset' ? 'datasets.placeholder' : 'search.placeholder')}
        maxLength={200}
      />
      <button type="submit">{t('search.button')}</button>
    </form>
  );
}
