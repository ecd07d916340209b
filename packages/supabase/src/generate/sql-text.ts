// Names and literals go into SQL text quoted exactly as the generator of @tenancy/postgres quotes them: only when
// needed, so the common case stays readable and an odd name still means exactly the object it names.
export { ident, literal, qualify } from '@tenancy/postgres';
