import { type Command } from 'commander';
import { CliError, EXIT } from '../core/errors';
import { modelPath, parseRepoId } from '../core/hub-client';
import { ask } from '../core/prompt';
import { dateCell } from '../core/output';
import { collect, examples, intOption, run } from './command-context';
import { registerLicenseAdminCommands } from './license-admin.commands';
import { type Offer, printTerms } from './offer-format';

export function registerLicenseCommands(program: Command): void {
  const license = program
    .command('license')
    .description('Request licences and follow them; for publishers: approve, reject, grants, revoke')
    .addHelpText(
      'after',
      examples(
        'modelhub license request 5b0c... --org globex',
        'modelhub license status acme-ai/sentiment-pro',
        'modelhub license requests --org acme-ai',
        'modelhub license approve 9d1e...',
      ),
    );

  license
    .command('request <offer>')
    .description('Request an offer for yourself or an organization you administer: shows the terms and asks you to accept them')
    .option('--org <org>', 'request for this organization (you must be its admin or owner)')
    .option('--accept-terms <version>', 'accept this terms version without asking (scripts)', intOption('--accept-terms', 1))
    .option('--answer <id=text>', "answer to one of the offer's questions (repeatable)", collect)
    .option('-m, --message <text>', 'a message for the publisher')
    .addHelpText(
      'after',
      examples(
        'modelhub license request 5b0c6a2e-...            # shows the terms, asks y/N',
        'modelhub license request 5b0c6a2e-... --org globex --accept-terms 2 --answer use-case="Support tickets"',
      ),
    )
    .action(
      run(async (ctx, offerId: string, opts: { org?: string; acceptTerms?: number; answer?: string[]; message?: string }) => {
        const offer = await ctx.client.get<Offer>(`/api/v1/offers/${encodeURIComponent(offerId)}`);
        if (offer.status === 'withdrawn') throw new CliError(`Offer ${offerId} was withdrawn: it takes no new requests`, EXIT.error, 'offer_withdrawn');
        const answers: Record<string, string> = {};
        for (const a of opts.answer ?? []) {
          const eq = a.indexOf('=');
          if (eq < 1) throw new CliError(`--answer takes id=text, not '${a}'`, EXIT.usage, 'usage');
          answers[a.slice(0, eq)] = a.slice(eq + 1);
        }
        let termsVersion = opts.acceptTerms;
        if (termsVersion === undefined) {
          if (!process.stdin.isTTY)
            throw new CliError(
              `Accepting terms needs a terminal, or --accept-terms ${offer.termsVersion} after reading them (modelhub offers / GET /api/v1/offers/${offer.id})`,
              EXIT.usage,
              'usage',
            );
          printTerms(ctx.out, offer);
          for (const q of offer.questions ?? [])
            if (!(q.id in answers)) answers[q.id] = (await ask(`${q.text}${q.required === false ? ' (optional)' : ''} `)).trim();
          const yes = (await ask(`Accept terms version ${offer.termsVersion}${opts.org ? ` for ${opts.org}` : ''}? [y/N] `)).trim().toLowerCase();
          if (yes !== 'y' && yes !== 'yes') throw new CliError('Terms not accepted: nothing was requested', EXIT.error, 'terms_not_accepted');
          termsVersion = offer.termsVersion;
        }
        const req = await ctx.client.post(`/api/v1/offers/${encodeURIComponent(offer.id)}/requests`, {
          org: opts.org,
          termsVersion,
          answers,
          message: opts.message,
        });
        ctx.out.data(req, () =>
          ctx.out.line(
            req.status === 'approved'
              ? `Granted: request ${req.id as string} approved at once (grant ${(req.grant as { id?: string } | undefined)?.id ?? '-'}); you can download now`
              : `Requested: ${req.id as string} is ${req.status as string}; the publisher decides. Follow it with \`modelhub license status <repo>\``,
          ),
        );
      }),
    );

  license
    .command('status <repo>')
    .description('Whether you can download the files, through what, and your newest request')
    .addHelpText('after', examples('modelhub license status acme-ai/sentiment-pro', 'modelhub license status acme-ai/sentiment-pro --json | jq .canDownload'))
    .action(
      run(async (ctx, id: string) => {
        const s = await ctx.client.get<Record<string, unknown>>(`${modelPath(parseRepoId(id))}/access`);
        const grant = s.grant as Record<string, unknown> | null | undefined;
        const request = s.request as Record<string, unknown> | null | undefined;
        ctx.out.data(s, () =>
          ctx.out.fields([
            ['model', s.model],
            ['can download', s.canDownload ? `yes (${String(s.via)})` : 'no'],
            [
              'grant',
              grant
                ? `${grant.id as string} ${grant.status as string}, terms v${String(grant.termsVersion)}, until ${grant.endsAt ? dateCell(grant.endsAt) : 'no end'}`
                : null,
            ],
            ['request', request ? `${request.id as string} ${request.status as string} (${dateCell(request.createdAt)})` : null],
            ['how to request', s.canDownload ? null : (s.howToRequest ?? `modelhub offers ${id}`)],
          ]),
        );
      }),
    );

  registerLicenseAdminCommands(program, license);
}
