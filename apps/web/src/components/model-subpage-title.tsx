/** The heading of a model's sub-page (history, a commit, discussions): the model's name as a link, then what the page shows. */
export function ModelSubpageTitle({ ns, name, title }: { ns: string; name: string; title: string }) {
  return (
    <h1>
      <a href={`/${ns}/${name}`}>
        {ns}/{name}
      </a>{' '}
      · {title}
    </h1>
  );
}
