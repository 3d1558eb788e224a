import { LineageWriter } from '../lineage/lineage-writer.service';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { ACCESS_RIGHTS, type AccessRight } from '../models/download-grant.port';
import { ModelAccessService } from '../models/model-access.service';
import { ModelRecord, ModelRepository } from '../models/model.repository';
import type { CreateOfferDto, OfferConditionsDto, QuestionDto, UpdateOfferDto } from './dto/offer.dto';
import { AuditAction, LicenseAuditRepository } from './license-audit.repository';
import type { OfferQuestion, OfferRecord, TermsInput, TermsRecord } from './licensing-records';
import { OfferInfo, presentOffer, presentTerms } from './licensing.presenter';
import { OfferFields, OfferRepository } from './offer.repository';
import type { RepoKind } from '../models/repo-kind';

/** Most offers one model may have (withdrawn ones included). */
const MAX_OFFERS_PER_MODEL = 50;

/**
 * Licence offers: published, edited and withdrawn by the model's administrators (the same rule as
 * its settings: ModelAccessService.assertCanAdmin), read by anyone who can see the model.
 *
 * - `open` offers name an SPDX licence and are always granted at once (approval `auto`).
 * - `custom` offers carry terms (Markdown) and are granted at once or by an administrator.
 * - The terms text and the conditions (commercial use, fields of use, territories, seats,
 *   duration, price) form a terms version; changing any of them adds a version, and grants keep
 *   the version they accepted. Title, description, approval and questions change in place.
 * - An offer that needs approval makes its model gated (`manual`), so that its files go only to
 *   members and grant holders. Withdrawing an offer stops new requests; grants stay until they end.
 */
@Injectable()
export class OffersService {
  constructor(
    private readonly offers: OfferRepository,
    private readonly models: ModelRepository,
    private readonly access: ModelAccessService,
    private readonly audit: LicenseAuditRepository,
    private readonly lineage: LineageWriter,
  ) {}

  async create(principal: Principal, namespace: string, name: string, kind: RepoKind, dto: CreateOfferDto): Promise<OfferInfo> {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    await this.access.assertCanAdmin(principal, model);
    const approval = dto.approval ?? 'auto';
    this.assertKindRules(dto.kind, { approval, spdxId: dto.spdxId, terms: dto.terms });
    if ((await this.offers.listForModel(model.id)).length >= MAX_OFFERS_PER_MODEL) {
      throw HubException.conflict(`${model.fullName} already has ${MAX_OFFERS_PER_MODEL} offers: withdraw or edit one instead`, 'too_many_offers');
    }
    const offer = await this.offers.create({
      modelId: model.id,
      kind: dto.kind,
      title: dto.title,
      description: dto.description ?? '',
      spdxId: dto.kind === 'open' ? dto.spdxId! : (dto.spdxId ?? null),
      approval,
      questions: normalizeQuestions(dto.questions ?? []),
      createdById: principal.userId,
      terms: termsFrom(dto, dto.kind === 'open'),
    });
    await this.gateIfManual(model, offer);
    // Offers are licences: the upstream licence conflicts of the repository and what derives from it.
    await this.lineage.recomputeConflicts(model.id);
    await this.record('offer.created', principal, model, offer);
    return presentOffer(offer, model);
  }

  async list(principal: Principal | undefined, namespace: string, name: string, kind: RepoKind): Promise<OfferInfo[]> {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    return (await this.offers.listForModel(model.id)).map((o) => presentOffer(o, model));
  }

  /** The offer with every terms version, newest first. */
  async get(principal: Principal | undefined, id: string): Promise<OfferInfo & { termsVersions: ReturnType<typeof presentTerms>[] }> {
    const { offer, model } = await this.findReadable(principal, id);
    return { ...presentOffer(offer, model), termsVersions: (await this.offers.versions(offer.id)).map(presentTerms) };
  }

  async update(principal: Principal, id: string, dto: UpdateOfferDto): Promise<OfferInfo> {
    const { offer, model } = await this.findReadable(principal, id);
    await this.access.assertCanAdmin(principal, model);
    if (offer.withdrawnAt) throw HubException.conflict(`Offer ${id} was withdrawn and can no longer change: publish a new offer`, 'offer_withdrawn');
    const fields: Partial<OfferFields> = {};
    if (dto.title !== undefined) fields.title = dto.title;
    if (dto.description !== undefined) fields.description = dto.description;
    if (dto.spdxId !== undefined) fields.spdxId = dto.spdxId;
    if (dto.approval !== undefined) fields.approval = dto.approval;
    if (dto.questions !== undefined) fields.questions = normalizeQuestions(dto.questions);
    this.assertKindRules(offer.kind, {
      approval: fields.approval ?? offer.approval,
      spdxId: fields.spdxId ?? offer.spdxId ?? undefined,
      terms: dto.terms ?? offer.terms.text,
    });
    const terms = mergeTerms(offer.terms, dto);
    const updated = await this.offers.update(offer.id, fields, sameTerms(offer.terms, terms) ? null : terms, principal.userId);
    await this.gateIfManual(model, updated);
    await this.lineage.recomputeConflicts(model.id);
    await this.record('offer.updated', principal, model, updated, {
      fields: Object.keys(fields),
      newTermsVersion: updated.terms.version !== offer.terms.version,
    });
    return presentOffer(updated, model);
  }

  async withdraw(principal: Principal, id: string): Promise<OfferInfo> {
    const { offer, model } = await this.findReadable(principal, id);
    await this.access.assertCanAdmin(principal, model);
    if (!(await this.offers.withdraw(offer.id))) throw HubException.conflict(`Offer ${id} is already withdrawn`, 'offer_withdrawn');
    const withdrawn = (await this.offers.findById(offer.id))!;
    await this.lineage.recomputeConflicts(model.id);
    await this.record('offer.withdrawn', principal, model, withdrawn);
    return presentOffer(withdrawn, model);
  }

  /** The offer and its model, when the caller can see the model; 404 otherwise (as for a missing offer). */
  async findReadable(principal: Principal | undefined, id: string): Promise<{ offer: OfferRecord; model: ModelRecord }> {
    const offer = await this.offers.findById(id);
    const model = offer ? await this.models.findById(offer.modelId) : null;
    if (!offer || !model || !(await this.access.canRead(principal, model))) throw HubException.notFound(`Licence offer ${id} not found`, 'offer_not_found');
    return { offer, model };
  }

  termsVersion(offerId: string, version: number): Promise<TermsRecord | null> {
    return this.offers.termsVersion(offerId, version);
  }

  private assertKindRules(kind: OfferRecord['kind'], o: { approval: string; spdxId?: string; terms?: string }): void {
    if (kind === 'open') {
      if (!o.spdxId) throw HubException.badRequest('spdx_id_required', 'An open offer needs spdxId: the SPDX id of its licence, such as apache-2.0');
      if (o.approval !== 'auto')
        throw HubException.badRequest('open_offer_is_auto', 'An open offer is granted at once: approval must be auto (use a custom offer for manual approval)');
    } else if (!o.terms?.trim()) {
      throw HubException.badRequest('terms_required', 'A custom offer needs terms: the licence text (Markdown)');
    }
  }

  /** An offer that needs approval gates its model (a private model stays private, keeping the mode for later). */
  private async gateIfManual(model: ModelRecord, offer: OfferRecord): Promise<void> {
    if (offer.approval === 'manual' && model.gated !== 'manual') await this.models.updateSettings(model.id, { private: model.private, gated: 'manual' });
  }

  private record(action: AuditAction, principal: Principal, model: ModelRecord, offer: OfferRecord, details: Record<string, unknown> = {}): Promise<void> {
    return this.audit.record({
      action,
      actorUserId: principal.userId,
      actorName: principal.username,
      modelId: model.id,
      modelName: model.fullName,
      publisherOrgId: model.ownerOrgId,
      offerId: offer.id,
      termsVersion: offer.terms.version,
      details: { title: offer.title, approval: offer.approval, ...details },
    });
  }
}

function normalizeQuestions(questions: QuestionDto[]): OfferQuestion[] {
  const out = questions.map((q, i) => ({ id: q.id ?? `q${i + 1}`, text: q.text.trim(), required: q.required ?? true }));
  const ids = new Set(out.map((q) => q.id));
  if (ids.size !== out.length) throw HubException.badRequest('duplicate_question_id', 'Each question needs its own id');
  return out;
}

function termsFrom(dto: OfferConditionsDto, open: boolean): TermsInput {
  return {
    text: dto.terms ?? '',
    commercialUse: dto.commercialUse ?? open,
    fieldsOfUse: dto.fieldsOfUse ?? [],
    territories: dto.territories ?? [],
    seats: dto.seats ?? null,
    durationDays: dto.durationDays ?? null,
    price: dto.price ?? null,
    rights: dto.rights ? normalizeRights(dto.rights) : ['download'],
    quota: { callsPerMinute: dto.quota?.callsPerMinute ?? null, callsPerDay: dto.quota?.callsPerDay ?? null },
  };
}

/** Each right once, in a fixed order (so that an update naming the same rights is no change). */
const normalizeRights = (rights: AccessRight[]): AccessRight[] => ACCESS_RIGHTS.filter((r) => rights.includes(r));

/** The current terms with the update's changes (undefined: keep; null: clear). */
function mergeTerms(current: TermsRecord, dto: OfferConditionsDto): TermsInput {
  return {
    text: dto.terms ?? current.text,
    commercialUse: dto.commercialUse ?? current.commercialUse,
    fieldsOfUse: dto.fieldsOfUse ?? current.fieldsOfUse,
    territories: dto.territories ?? current.territories,
    seats: dto.seats === undefined ? current.seats : dto.seats,
    durationDays: dto.durationDays === undefined ? current.durationDays : dto.durationDays,
    price: dto.price === undefined ? current.price : dto.price && { amount: dto.price.amount, currency: dto.price.currency, period: dto.price.period },
    rights: dto.rights ? normalizeRights(dto.rights) : current.rights,
    quota: dto.quota === undefined ? current.quota : { callsPerMinute: dto.quota?.callsPerMinute ?? null, callsPerDay: dto.quota?.callsPerDay ?? null },
  };
}

function sameTerms(a: TermsInput, b: TermsInput): boolean {
  const canon = (t: TermsInput) =>
    JSON.stringify([
      t.text,
      t.commercialUse,
      t.fieldsOfUse,
      t.territories,
      t.seats,
      t.durationDays,
      t.price && [Number(t.price.amount), t.price.currency, t.price.period],
      t.rights,
      t.quota,
    ]);
  return canon(a) === canon(b);
}
