import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import type { LicensePricePeriod as DbPricePeriod } from '../generated/prisma/enums';
import { PrismaService } from '../database/prisma.service';
import type { AccessRight } from '../models/download-grant.port';
import type { ApprovalMode, OfferKind, OfferQuestion, OfferRecord, PricePeriod, TermsInput, TermsRecord } from './licensing-records';

type TermsRow = Prisma.LicenseTermsVersionGetPayload<object>;

const toPeriod = (p: TermsRow['pricePeriod']): PricePeriod | null => (p === null ? null : p === 'per_call' ? 'per-call' : p);
const fromPeriod = (p: PricePeriod): DbPricePeriod => (p === 'per-call' ? 'per_call' : p);

export const toTerms = (t: TermsRow): TermsRecord => ({
  version: t.version,
  text: t.text,
  commercialUse: t.commercialUse,
  fieldsOfUse: t.fieldsOfUse,
  territories: t.territories,
  seats: t.seats,
  durationDays: t.durationDays,
  price:
    t.priceAmount !== null && t.priceCurrency !== null && t.pricePeriod !== null
      ? { amount: t.priceAmount.toString(), currency: t.priceCurrency, period: toPeriod(t.pricePeriod)! }
      : null,
  rights: t.rights as AccessRight[],
  quota: { callsPerMinute: t.callsPerMinute, callsPerDay: t.callsPerDay },
  createdAt: t.createdAt,
});

const termsData = (t: TermsInput) => ({
  text: t.text,
  commercialUse: t.commercialUse,
  fieldsOfUse: t.fieldsOfUse,
  territories: t.territories,
  seats: t.seats,
  durationDays: t.durationDays,
  priceAmount: t.price?.amount ?? null,
  priceCurrency: t.price?.currency ?? null,
  pricePeriod: t.price ? fromPeriod(t.price.period) : null,
  rights: t.rights,
  callsPerMinute: t.quota.callsPerMinute,
  callsPerDay: t.quota.callsPerDay,
});

/** The offer with its current terms version. */
const include = { termsVersions: { orderBy: { version: 'desc' }, take: 1 } } satisfies Prisma.LicenseOfferInclude;
type OfferRow = Prisma.LicenseOfferGetPayload<{ include: typeof include }>;

const toRecord = (o: OfferRow): OfferRecord => ({
  id: o.id,
  modelId: o.modelId,
  kind: o.kind,
  title: o.title,
  description: o.description,
  spdxId: o.spdxId,
  approval: o.approval,
  questions: o.questions as unknown as OfferQuestion[],
  terms: toTerms(o.termsVersions[0]),
  withdrawnAt: o.withdrawnAt,
  createdAt: o.createdAt,
  updatedAt: o.updatedAt,
});

export interface OfferFields {
  title: string;
  description: string;
  spdxId: string | null;
  approval: ApprovalMode;
  questions: OfferQuestion[];
}

@Injectable()
export class OfferRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The offer and its terms version 1, together. */
  async create(data: OfferFields & { modelId: string; kind: OfferKind; createdById: string; terms: TermsInput }): Promise<OfferRecord> {
    const row = await this.prisma.licenseOffer.create({
      data: {
        modelId: data.modelId,
        kind: data.kind,
        title: data.title,
        description: data.description,
        spdxId: data.spdxId,
        approval: data.approval,
        questions: data.questions as unknown as Prisma.InputJsonArray,
        currentVersion: 1,
        createdById: data.createdById,
        termsVersions: { create: { version: 1, createdById: data.createdById, ...termsData(data.terms) } },
      },
      include,
    });
    return toRecord(row);
  }

  findById(id: string): Promise<OfferRecord | null> {
    return this.prisma.licenseOffer.findUnique({ where: { id }, include }).then((o) => (o ? toRecord(o) : null));
  }

  async listForModel(modelId: string): Promise<OfferRecord[]> {
    const rows = await this.prisma.licenseOffer.findMany({ where: { modelId }, include, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map(toRecord);
  }

  /** Every terms version, newest first. */
  async versions(offerId: string): Promise<TermsRecord[]> {
    const rows = await this.prisma.licenseTermsVersion.findMany({ where: { offerId }, orderBy: { version: 'desc' } });
    return rows.map(toTerms);
  }

  async termsVersion(offerId: string, version: number): Promise<TermsRecord | null> {
    const row = await this.prisma.licenseTermsVersion.findUnique({ where: { offerId_version: { offerId, version } } });
    return row ? toTerms(row) : null;
  }

  /**
   * Changes the offer's fields and, when `terms` is given, adds the next terms version. The offer
   * row is locked, so two concurrent edits make versions n+1 and n+2, never two n+1.
   */
  async update(id: string, fields: Partial<OfferFields>, terms: TermsInput | null, byId: string): Promise<OfferRecord> {
    await this.prisma.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<{ current_version: number }[]>`SELECT current_version FROM license_offers WHERE id = ${id}::uuid FOR UPDATE`;
      const version = locked.current_version + (terms ? 1 : 0);
      if (terms) await tx.licenseTermsVersion.create({ data: { offerId: id, version, createdById: byId, ...termsData(terms) } });
      await tx.licenseOffer.update({
        where: { id },
        data: {
          ...fields,
          questions: fields.questions ? (fields.questions as unknown as Prisma.InputJsonArray) : undefined,
          currentVersion: version,
        },
      });
    });
    return (await this.findById(id))!;
  }

  /** Withdraws the offer; false when it already was. */
  async withdraw(id: string): Promise<boolean> {
    const { count } = await this.prisma.licenseOffer.updateMany({ where: { id, withdrawnAt: null }, data: { withdrawnAt: new Date() } });
    return count > 0;
  }

  /** Whether the model has an offer, not withdrawn, that needs an administrator's approval. */
  async hasActiveManualOffer(modelId: string): Promise<boolean> {
    return (await this.prisma.licenseOffer.count({ where: { modelId, approval: 'manual', withdrawnAt: null } })) > 0;
  }
}
