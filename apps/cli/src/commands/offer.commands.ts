import { type Command } from 'commander';
import fs from 'node:fs';
import { CliError, EXIT } from '../core/errors';
import { modelPath, parseRepoId } from '../core/hub-client';
import { collect, type CommandContext, examples, intOption, run } from './command-context';
import { OFFER_COLUMNS, type Offer, printTerms } from './offer-format';

/** What `offers create` and `offers edit` take; every field optional (edit sends only what is given). */
interface OfferOptions {
  kind?: string;
  title?: string;
  description?: string;
  spdx?: string;
  terms?: string;
  termsFile?: string;
  commercial?: boolean;
  fieldOfUse?: string[];
  territory?: string[];
  seats?: number;
  durationDays?: number;
  price?: string;
  approval?: string;
  question?: string[];
}

const usage = (message: string) => new CliError(message, EXIT.usage, 'usage');

/** `1200 EUR/year` → the hub's price object; `free` or `none` → null. */
function parsePrice(text: string): { amount: string; currency: string; period: string } | null {
  if (/^(free|none)$/i.test(text.trim())) return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]{3})\s*\/\s*([a-z-]+)\s*$/.exec(text);
  if (!m) throw usage(`--price takes "<amount> <currency>/<period>" such as "1200 EUR/year", or "free"; not '${text}'`);
  return { amount: m[1], currency: m[2].toUpperCase(), period: m[3] };
}

/** `use-case:What will you use it for?` (an id, then the text; `?` at the end of the id: optional). */
function parseQuestion(text: string): { id: string; text: string; required: boolean } {
  const colon = text.indexOf(':');
  if (colon < 1) throw usage(`--question takes id:text (add ? after the id for an optional one), not '${text}'`);
  const id = text.slice(0, colon);
  const optional = id.endsWith('?');
  return { id: optional ? id.slice(0, -1) : id, text: text.slice(colon + 1).trim(), required: !optional };
}

/** The request body: only the fields the options set, so an edit changes nothing else. */
function offerBody(opts: OfferOptions): Record<string, unknown> {
  if (opts.terms !== undefined && opts.termsFile !== undefined) throw usage('Give the terms with --terms or --terms-file, not both');
  const terms = opts.termsFile !== undefined ? readTerms(opts.termsFile) : opts.terms;
  const body: Record<string, unknown> = {
    kind: opts.kind,
    title: opts.title,
    description: opts.description,
    spdxId: opts.spdx,
    terms,
    commercialUse: opts.commercial,
    fieldsOfUse: opts.fieldOfUse,
    territories: opts.territory,
    seats: opts.seats,
    durationDays: opts.durationDays,
    price: opts.price === undefined ? undefined : parsePrice(opts.price),
    approval: opts.approval,
    questions: opts.question?.map(parseQuestion),
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

function readTerms(file: string): string {
  try {
    return file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`Cannot read the terms from ${file}: ${(err as Error).message}`, EXIT.notFound, 'not_found');
  }
}

function printOffer(ctx: CommandContext, offer: Offer, verb: string): void {
  ctx.out.data(offer, () => {
    ctx.out.line(`${verb} offer ${offer.id}`);
    printTerms(ctx.out, offer);
  });
}

/** The options an offer's fields take, shared by create and edit. */
function offerOptions(command: Command, creating: boolean): Command {
  return command
    .option('--title <text>', creating ? 'the title people choose by (required)' : 'a new title')
    .option('--description <text>', 'a short description')
    .option('--spdx <id>', 'SPDX licence id (open offers), e.g. apache-2.0')
    .option('--terms <markdown>', 'the terms, in Markdown (custom offers)')
    .option('--terms-file <file>', 'read the terms from a file (- for stdin)')
    .option('--commercial', 'commercial use allowed')
    .option('--no-commercial', 'commercial use not allowed')
    .option('--field-of-use <field>', 'a field of use the licence covers (repeatable)', collect)
    .option('--territory <code>', 'where the licence holds (repeatable; none: worldwide)', collect)
    .option('--seats <n>', 'seats (users) the licence covers', intOption('--seats', 1))
    .option('--duration-days <n>', 'days a grant lasts from approval (none: until revoked)', intOption('--duration-days', 1))
    .option('--price <price>', 'e.g. "1200 EUR/year" (recorded, no payment is processed), or "free"')
    .option('--approval <mode>', 'auto (granted at once) or manual (you approve each request; gates the model)')
    .option('--question <id:text>', 'a question requesters answer (repeatable; "id?:text" for an optional one)', collect);
}

/** `offers <repo>` (list), `offers create`, `offers edit`, `offers withdraw`. */
export function registerOfferCommands(program: Command): void {
  const offers = program
    .command('offers')
    .argument('[repo]', 'the model whose offers to list')
    .description("A model's licence offers (withdrawn ones too); for publishers: create, edit, withdraw")
    .addHelpText(
      'after',
      examples(
        'modelhub offers acme-ai/sentiment-pro',
        'modelhub offers acme-ai/sentiment-pro --json | jq ".[0].id"',
        'modelhub offers create acme-ai/sentiment --spdx apache-2.0 --title "Apache 2.0"',
      ),
    )
    .action(
      run(async (ctx, id: string | undefined) => {
        if (!id) throw usage('Name the model: modelhub offers <repo> (or offers create|edit|withdraw)');
        const list = await ctx.client.get<Offer[]>(`${modelPath(parseRepoId(id))}/offers`);
        ctx.out.data(list, () => {
          ctx.out.table(list as unknown as Record<string, unknown>[], OFFER_COLUMNS);
          if (list.some((o) => o.status !== 'withdrawn')) ctx.out.info(`Request one: modelhub license request <offer> [--org <org>]`);
        });
      }),
    );

  offerOptions(
    offers
      .command('create <repo>')
      .description('Publish a licence offer on a model (its administrators); an offer with manual approval makes the model gated')
      .option('--kind <kind>', 'open (an SPDX licence) or custom (your own terms); default: open with --spdx, else custom'),
    true,
  )
    .addHelpText(
      'after',
      examples(
        'modelhub offers create acme-ai/sentiment --spdx apache-2.0 --title "Apache 2.0"',
        'modelhub offers create acme-ai/sentiment-pro --title "Commercial licence" --terms-file TERMS.md --commercial \\\n' +
          '      --price "1200 EUR/year" --approval manual --territory EU --duration-days 365 --question "use-case:What will you use it for?"',
      ),
    )
    .action(
      run(async (ctx, id: string, opts: OfferOptions) => {
        if (!opts.title) throw usage('An offer needs a --title');
        const body = offerBody({ ...opts, kind: opts.kind ?? (opts.spdx ? 'open' : 'custom') });
        printOffer(ctx, await ctx.client.post<Offer>(`${modelPath(parseRepoId(id))}/offers`, body), 'Published');
      }),
    );

  offerOptions(
    offers.command('edit <offer>').description('Edit an offer; a change to its terms or conditions makes a new terms version (grants keep theirs)'),
    false,
  )
    .addHelpText(
      'after',
      examples(
        'modelhub offers edit 5b0c6a2e-... --price "1500 EUR/year"',
        'modelhub offers edit 5b0c6a2e-... --terms-file TERMS-v2.md --json | jq .termsVersion',
      ),
    )
    .action(
      run(async (ctx, offerId: string, opts: OfferOptions) => {
        const body = offerBody(opts);
        if (!Object.keys(body).length) throw usage('Nothing to change: give at least one option (see modelhub offers edit --help)');
        printOffer(ctx, await ctx.client.patch<Offer>(`/api/v1/offers/${encodeURIComponent(offerId)}`, body), 'Updated');
      }),
    );

  offers
    .command('withdraw <offer>')
    .description('Withdraw an offer: it takes no new requests; grants already given stay until they end')
    .addHelpText('after', examples('modelhub offers withdraw 5b0c6a2e-...'))
    .action(
      run(async (ctx, offerId: string) => {
        const offer = await ctx.client.post<Offer>(`/api/v1/offers/${encodeURIComponent(offerId)}/withdraw`);
        ctx.out.data(offer, () => ctx.out.line(`Withdrawn: offer ${offer.id} takes no new requests`));
      }),
    );
}
