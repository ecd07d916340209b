import { SettingsForm } from '../../../../../components/settings-form';
import { requireMember } from '../../../../../lib/require-member';
import { loadTenantProfile } from '../../../../../lib/tenant-profile';

// Tenant settings: name and branding. The layout applies the primary colour to the page (`--brand`).
export default async function SettingsPage() {
  const member = await requireMember();
  const profile = await loadTenantProfile();
  const color = profile.branding.primaryColor ?? '#334155';
  return (
    <section className="stack">
      <h1>Settings</h1>
      {member.can('tenant:update') ? (
        <SettingsForm name={profile.name} logoUrl={profile.branding.logoUrl ?? ''} primaryColor={color} />
      ) : (
        <div className="card stack">
          <p>Only admins can change the settings.</p>
          <p>
            Primary colour: <code data-testid="primary-color">{color}</code>
          </p>
        </div>
      )}
    </section>
  );
}
