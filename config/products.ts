import products from './products.json' with { type: 'json' };
import { type ProductsConfig, productsConfigSchema } from './products-schema.ts';

/** `config/products.json`, checked once at load so a bad edit fails the deploy, not a request. */
export const productsConfig: ProductsConfig = productsConfigSchema.parse(products);
