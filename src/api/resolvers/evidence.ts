import { z } from 'zod';
import { buildEvidencePack } from '../../evidence/build-pack.ts';
import { EvidencePackError } from '../../evidence/errors.ts';
import { ApiError, badInput } from '../errors.ts';
import { parseArgs } from '../inputs.ts';
import type { Resolver, ResolverMap } from './types.ts';

const Id = z.string().min(1).max(1_024);
const EvidencePackArgs = z
  .object({ chainId: Id.optional(), identityId: Id.optional(), asOf: z.string().min(1).max(200).optional() })
  .refine((a) => (a.chainId === undefined) !== (a.identityId === undefined), { message: 'give exactly one of chainId and identityId', path: ['chainId'] });

// The same pack `authgraph export evidence` writes as pack.json, as one JSON object.
const evidencePack: Resolver<unknown> = async (_parent, args, ctx) => {
  const a = parseArgs(EvidencePackArgs, args, 'evidencePack');
  const target = a.chainId !== undefined ? { chainId: a.chainId } : { identityId: a.identityId! };
  try {
    const pack = await ctx.scope.analyse((storage, tenantId) => buildEvidencePack(storage, tenantId, target, a.asOf ? { asOf: a.asOf } : {}));
    await ctx.note({
      tenantId: ctx.principal.tenantId,
      eventType: 'EVIDENCE_PACK_PRODUCED',
      severity: 'INFO',
      businessKeys: { keyId: ctx.principal.keyId, ...(a.chainId ? { chainId: a.chainId } : { identityId: a.identityId! }), ...(a.asOf ? { asOf: a.asOf } : {}) },
      extra: { chains: pack.chains.length },
    });
    return pack;
  } catch (error) {
    if (error instanceof EvidencePackError) throw error.code === 'NOT_FOUND' ? new ApiError('NOT_FOUND', error.message) : badInput(error.message);
    throw error;
  }
};

export const evidenceResolvers: ResolverMap = { Query: { evidencePack } };
