# CareKey's server: the messages it sends and the pages it shows, in English
# (the language every other catalog follows: same messages, same attributes,
# same variables).
#
# A message's value is its text; an email's .subject is its subject line, a
# page's .title its title. Where a message holds { $link } on a line of its
# own, that line is left out when there is no link to give. Codes, links and
# addresses are given as they are; pages escape everything.

## Shared pieces

-brand = CareKey
# A moment in UTC: its day, month (1 to 12), year and time ("14:05").
date-time =
    { $day } { $month ->
        [1] Jan
        [2] Feb
        [3] Mar
        [4] Apr
        [5] May
        [6] Jun
        [7] Jul
        [8] Aug
        [9] Sep
        [10] Oct
        [11] Nov
       *[12] Dec
    } { $year }, { $time } UTC

## One-time codes

code-email =
    Hello,

    Your { -brand } code is { $code }

    Or open this link on the device where you asked for the code: { $link }

    It works for { $minutes ->
        [one] 1 minute
       *[other] { $minutes } minutes
    }, on the device where you asked for it. Never
    share it: nobody from { -brand } or your care team will ever ask you for it.

    If you did not ask for a code, you can ignore this email.
    .subject = Your { -brand } code: { $code }
code-sms =
    Your { -brand } code is { $code }. It works for { $minutes ->
        [one] 1 minute
       *[other] { $minutes } minutes
    }. Never share it.
    { $link }

    @{ $host } #{ $code }
# What the outbox shows of a WhatsApp code: WhatsApp itself sends the
# authentication template the operator had approved, in this language.
code-whatsapp = Your { -brand } code is { $code }. It works for { $minutes ->
        [one] 1 minute
       *[other] { $minutes } minutes
    }. Never share it.
code-whatsapp-chat =
    Tap to log in to { -brand }:
    { $link }

    Or type this code in the app: { $code }
    It works for { $minutes ->
        [one] 1 minute
       *[other] { $minutes } minutes
    }. Never share it. If you did not ask to log in, ignore this message.

## Someone asked for a code with an address no account uses

no-account-email =
    Hello,

    Someone asked to log in to { -brand } with this address, but no account uses it.
    If it was you, open { -brand } and choose "Create an account" instead.

    If it was not you, you can ignore this email.
    .subject = { -brand }: no account uses this address
no-account-sms = Someone asked to log in to { -brand } with this number, but no account uses it. If it was you, open { -brand } and choose Create an account.
no-account-whatsapp-chat = No { -brand } account uses this WhatsApp number yet. To create one, open { -brand }, choose "Create an account", then "Log in with WhatsApp".

## The WhatsApp chat's answer to a message it cannot use

help-whatsapp-chat = Hello from { -brand }. To log in, open the { -brand } app, choose "Log in with WhatsApp" and send the message it prepares, without changing it. The message is only valid for a few minutes; if it has expired, start again in the app.

# The message the app prepares for the person to send to CareKey's WhatsApp
# number, before its reference (Konsulin's wording).
whatsapp-prepared = Request login, authenticate me.

## Security notices: { $notice } is one of the notice- sentences below

notice-email =
    Hello,

    { $notice }

    If it was you, there is nothing to do.
    If it was not you, open { -brand }, log in, check your account's keys and phone number, and tell your clinic.
    .subject = { -brand }: a change to your account
notice-sms = { -brand }: { $notice } If it was not you, open { -brand } and check your account.
notice-key-added = A new encryption key (fingerprint { $fingerprint }) was added to your account. Data shared with you from now on can be read with it.
notice-key-revoked = The encryption key with fingerprint { $fingerprint } was revoked on your account.
notice-backup-locked = Your backup password was tried 10 times in a row without success, so your password backup is locked: it cannot be tried any more. Your recovery key, or another of your devices, still brings your key back; then set a new backup password.
# $kind is "email" or "phone".
notice-contact-taken =
    { $kind ->
        [email] Someone tried to add this email address to another { -brand } account. It was not added, and your account is unchanged.
       *[phone] Someone tried to add this number to another { -brand } account. It was not added, and your account is unchanged.
    }
# $address is the new login, partly hidden ("a•••@example.org").
notice-login-changed =
    { $kind ->
        [email] The email address { $address } is now the login email of your { -brand } account.
       *[phone] The phone number { $address } is now the login phone of your { -brand } account.
    }

## A login changed: sent to the addresses of before, with the "this was not me" link

changed-email =
    Hello,

    { $notice }

    If it was you, there is nothing to do.

    If it was not you, open this link within 7 days. It logs every device out of your account and puts your previous login back, so that you can log in again and nobody else can:
    { $link }

    Then log in, check your account's keys and devices, and tell your clinic.
    .subject = { -brand }: the login of your account changed
changed-sms = { -brand }: { $notice } Not you? Open { $link } to log every device out and get your login back.

## The account was deleted by its owner

deleted-email =
    Hello,

    Your { -brand } account was deleted, with its keys, backups and notes, as asked from a device logged in to it. Nothing of it is kept on the server, and this address no longer logs in to { -brand }.

    If you did not ask for this, tell your clinic: someone had your device or your session.
    .subject = { -brand }: your account is deleted
deleted-sms = { -brand }: your account was deleted, with its keys, backups and notes. This number no longer logs in. Not you? Tell your clinic.

## A magic link's page

# Its value: what the page says under the code (blank lines separate paragraphs).
landing =
    Opening this page does not log you in. The link and the code work only in the { -brand } app on the device where you asked for them, once, and only for a few minutes.
    .title = Log in to { -brand }
landing-open = Open { -brand }
landing-type-code = Or type this code in { -brand }:
landing-asked-title = Asked on another device?
landing-asked = Our server received this login request on { $at }, from the network address { $ip }. The device that asked calls itself “{ $device }”: that name is its own claim, which anyone can type.
landing-asked-number = If you asked for it on another device, that device shows a number. Type it here to approve, and that device logs in. Nothing logs in on this device.
landing-number-label = The number your other device shows
landing-approve = Approve
landing-not-asked = If you did not ask for it, or no device of yours shows a number, do nothing: the request ends by itself. Nobody from { -brand } or your clinic will ever ask you for this number or this code.
landing-ended = It was used already, replaced by a newer code, or it expired. Open { -brand } and ask for a new code.
    .title = This link no longer works
landing-malformed = Check that the whole link was copied, or open { -brand } and ask for a new code.
    .title = This is not a { -brand } link
approval-refused = That is not the number the device that asked shows, so nothing was approved.
    .title = Not approved
approval-refused-hint = If you did not start this login yourself, someone else may have: do nothing, and it ends by itself. If it was you, open the link again and type the number your other device shows.
approval-done = The device that asked is logging in now. You can close this page.
    .title = Approved
approval-done-hint = Nothing logged in on this device.

## The page of a "this was not me" link

not-me = Someone changed how your { -brand } account logs in. If it was not you, press the button. Every device logged in to your account is logged out at once, and your previous login comes back, so that you can log in again and they cannot.
    .title = Was this change not you?
not-me-button = It was not me: secure my account
not-me-hint = If you made the change yourself, close this page: nothing happens.
not-me-done = Every device that was logged in to your account is logged out.
    .title = Your account is secured
not-me-restored =
    { $kind ->
        [email] Your previous login email address is the account's login again: log in with it in { -brand }.
       *[phone] Your previous login phone number is the account's login again: log in with it in { -brand }.
    }
not-me-not-restored =
    { $kind ->
        [email] The login email address could not be put back (it changed again, or another account uses it now): ask your clinic to help you get your account back.
       *[phone] The login phone number could not be put back (it changed again, or another account uses it now): ask your clinic to help you get your account back.
    }
not-me-done-hint = Then check your account's devices and keys in { -brand }, and tell your clinic what happened.
not-me-ended = It was used already, or it is more than 7 days old. If someone else changed your { -brand } login, tell your clinic: they can help you get your account back.
    .title = This link no longer works
not-me-malformed = Check that the whole link was copied from the message.
    .title = This is not a working { -brand } link

## An invitation's page

invitation = { $name } invites you to share your health notes with them through { -brand }. Register in the app through this invitation and { $name } follows you at once.
    .title = You are invited to { -brand }
invitation-hint = It works until { $until }, for the people { $name } gave it to. Without the app's link, register in { -brand } and type this { -brand } ID as your clinician: { $id } ({ $name } then accepts you).
invitation-ended = It expired, was used already, or was withdrawn. Ask your clinician for a new one, or register in { -brand } and type their { -brand } ID.
    .title = This invitation no longer works
invitation-malformed = Check that the whole link was copied, or ask your clinician for a new one.
    .title = This is not a working { -brand } invitation
page-unavailable = Try again in a moment.
    .title = { -brand } cannot answer right now
