import * as z from 'zod';
import { DEVICE_STATES } from '#domain/devices.ts';

/**
 * One device of a license, as POST /v1/devices lists it and POST /v1/deactivate answers it.
 * Times are RFC 3339 without milliseconds, like the license body's; never a token or a key.
 * `http/device-bodies.ts` is the one place that writes it.
 */
export const deviceResponseSchema = z.object({
  instanceId: z.string(),
  instanceName: z.string(),
  status: z.enum(DEVICE_STATES),
  activated_at: z.string(),
  /**
   * When a request naming this device last called in; null until one is recorded. The shipped
   * client's validate names no device: it counts for the license (`license_last_seen_at`).
   */
  last_seen_at: z.string().nullable(),
  /** Null while the device is active. */
  deactivated_at: z.string().nullable(),
});

/** The seats of the license key, LemonSqueezy's figures (a trial reports limit 1). */
const seats = {
  activation_limit: z.number().nullable(),
  activation_usage: z.number(),
};

/** The success body of POST /v1/deactivate: the device, now `deactivated`, and the seats after. */
export const deactivateResponseSchema = deviceResponseSchema.extend(seats);

/** The success body of POST /v1/devices: active devices first, each group newest first. */
export const devicesResponseSchema = z.object({
  devices: z.array(deviceResponseSchema),
  ...seats,
  /**
   * When a validate naming no device (the shipped client's) last called in: some device of the
   * license is in use, it cannot say which. Null until one is recorded.
   */
  license_last_seen_at: z.string().nullable(),
});

export type DeviceResponse = z.infer<typeof deviceResponseSchema>;
export type DeactivateResponse = z.infer<typeof deactivateResponseSchema>;
export type DevicesResponse = z.infer<typeof devicesResponseSchema>;
