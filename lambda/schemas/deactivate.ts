import * as z from 'zod';
import { instanceId, instanceName, licenseKey } from './fields.ts';

/**
 * POST /v1/deactivate: the device by its instance id, its name, or both (then both must name the
 * same device). Neither is a 400 naming `instanceId`.
 */
export const deactivateRequestSchema = z
  .object({
    licenseKey,
    instanceId: instanceId.optional(),
    instanceName: instanceName.optional(),
  })
  .refine((request) => request.instanceId !== undefined || request.instanceName !== undefined, {
    message: 'name the device by instanceId or instanceName',
    path: ['instanceId'],
  });

export type DeactivateRequest = z.infer<typeof deactivateRequestSchema>;
