import * as z from 'zod';
import { instanceName, licenseKey } from './fields.ts';

/** POST /v1/activate */
export const activateRequestSchema = z.object({ instanceName, licenseKey });

export type ActivateRequest = z.infer<typeof activateRequestSchema>;
