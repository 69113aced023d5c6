// Where things are in the Microsoft Entra admin center, for messages that send an administrator there (imports nothing).
// App registrations: https://learn.microsoft.com/entra/identity-platform/quickstart-register-app

/** Where application permissions are added and consented. */
export const CONSENT_PATH =
  'Entra admin center > App registrations > the app > API permissions > Add a permission > Microsoft Graph > Application permissions, then "Grant admin consent"';

/** Where client secrets are created and listed. */
export const SECRETS_PATH = 'Entra admin center > App registrations > the app > Certificates & secrets';

/** Where certificates are uploaded and listed (with their thumbprints). */
export const CERTIFICATES_PATH = `${SECRETS_PATH} > Certificates`;
