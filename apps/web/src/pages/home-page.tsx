import { api } from '../api';
import { ErrorBox } from '../components/error-box';
import { ModelRow } from '../components/model-row';
import { SearchBox } from '../components/search-box';
import { useI18n } from '../i18n';
import type { SearchPage } from '../types';
import { useLoad } from '../use-api';

export function HomePage() {
  const { t } = useI18n();
  const trending = useLoad('trending', (signal) => api<SearchPage>('/api/v1/search?sort=trending&limit=10', { signal }));
  return (
    <main>
      <section class="hero">
        <h1>{t('home.title')}</h1>
        <p>{t('home.lead')}</p>
        <SearchBox />
      </section>
      <h2>{t('home.trending')}</h2>
      {trending.error != null && <ErrorBox error={trending.error} />}
      {trending.loading && <p class="muted">{t('loading')}</p>}
      {trending.data && (
        <ul class="models">
          {trending.data.items.map((m) => (
            <ModelRow key={m.id} m={m} />
          ))}
        </ul>
      )}
    </main>
  );
}
