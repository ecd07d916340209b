import { createServerClient } from '@supabase/ssr';
import { createClient } from '@supabase/supabase-js';
import type { ResolvedRequest } from '@tenancy/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { SupabaseCookieMethods } from '../next/create-tenant-supabase-server-client.js';
import { createTenantSupabaseClient } from './create-tenant-supabase-client.js';
import { switchActiveTenant } from './switch-active-tenant.js';

interface Database {
  public: {
    Tables: {
      projects: {
        Row: { tenant_id: string; id: string; name: string };
        Insert: { tenant_id?: string; id?: string; name: string };
        Update: { tenant_id?: string; id?: string; name?: string };
        Relationships: [];
      };
    };
    Views: Record<never, never>;
    Functions: Record<never, never>;
    Enums: Record<never, never>;
    CompositeTypes: Record<never, never>;
  };
}

declare const resolved: ResolvedRequest;

describe('public types', () => {
  it('keeps supabase-js typing of a generated Database on the tenant client', () => {
    const supabase = createTenantSupabaseClient<Database>({
      supabaseUrl: 'http://127.0.0.1:54321',
      supabaseKey: 'anon',
      accessToken: 'token',
      resolved,
    });
    const query = supabase.from('projects').select('id, name');
    expectTypeOf<Awaited<typeof query>['data']>().toEqualTypeOf<{ id: string; name: string }[] | null>();
    expectTypeOf(supabase.tenancy.tenantId).toEqualTypeOf<string>();
    // @ts-expect-error: not a table of the Database
    supabase.from('nope');
  });

  it('takes the clients of @supabase/ssr and supabase-js for a tenant switch', () => {
    const cookies: SupabaseCookieMethods = { getAll: () => [] };
    const ssr = createServerClient<Database>('http://127.0.0.1:54321', 'anon', { cookies });
    expectTypeOf(switchActiveTenant).toBeCallableWith(ssr, 'id');
    expectTypeOf(switchActiveTenant).toBeCallableWith(createClient('http://127.0.0.1:54321', 'anon'), 'id');
  });
});
