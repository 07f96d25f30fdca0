import * as z from 'zod';
import { licenseKey } from './fields.ts';

/** POST /v1/devices: the devices of the license whose key is sent. */
export const devicesRequestSchema = z.object({ licenseKey });

export type DevicesRequest = z.infer<typeof devicesRequestSchema>;
