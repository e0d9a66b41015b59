// An invitation just made: the code to give to the other caregiver, or to a relative to share with (to read,
// copy or scan), and when it expires. The code is the secret that lets them in: it is shown here once and
// never sent to the server.
import { QrCode } from './fingerprint.tsx';
import { useApp } from '../lib/app-context.ts';
import { formatMoment } from '../lib/dates.ts';
import { fill } from '../lib/fill.ts';
import type { InviteCodeView, InvitePurpose } from '../lib/vault-client.ts';

export function InviteCode({ invite, id, purpose = 'manager' }: { invite: InviteCodeView; id: string; purpose?: InvitePurpose }) {
  const { messages, locale } = useApp();
  const share = purpose === 'share';
  return (
    <div class="invite-code" role="group" aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>{share ? messages.shareCodeTitle : messages.inviteCodeTitle}</h4>
      <p>{share ? messages.shareCodeIntro : messages.inviteCodeIntro}</p>
      <p class="code-text" data-testid="invite-code">{invite.code}</p>
      <QrCode text={invite.code} label={share ? messages.shareCodeQrLabel : messages.inviteQrLabel} />
      <p class="hint">{fill(messages.inviteExpires, { date: formatMoment(invite.expiresAt, locale) })}</p>
    </div>
  );
}
