import products from './products.json' with { type: 'json' };
import { type ProductsConfig, productsConfigSchema } from './products-schema.ts';

/**
 * `config/products.json`, checked once at load so a bad edit fails the deploy, not a request.
 * Parsed `jitless`: zod's JIT writes and compiles a parser for each object shape on its first
 * parse, which pays off for a schema parsed per request, not for one parsed once per cold start.
 */
export const productsConfig: ProductsConfig = productsConfigSchema.parse(products, {
  jitless: true,
});
