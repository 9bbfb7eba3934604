# CareKey's app: what its screens say, in English (the language every other
# catalog follows: same messages, same attributes, same variables).
#
# A message whose id an element of ui/index.html names (data-l10n-id) fills
# that element's text, and its attributes (.aria-label, .placeholder) the
# element's attributes. The others are the screens' sentences (ui/*.js).

-brand = CareKey

## The start

loading-title = Starting { -brand }…
start-failed-title = { -brand } cannot start
try-again = Try again
back = Back
close = Close
settings-open = Settings

## Welcome

welcome-title = Welcome to { -brand }
welcome-lead = Log in with a code sent to your email or phone. No password to remember.
choose-register = Create an account
choose-login = Log in
choose-guest = Try { -brand } without an account

## Register or log in

contact-title-register = Create your account
contact-title-login = Log in
via-legend = Send my code by
via-email = Email
via-phone = Text message (SMS)
email-label = Email address
phone-label = Mobile number
phone-label-optional = Mobile number (optional if you give an email)
country =
    .aria-label = Country
country-other = Other (type the number with +)
phone-hint = Pick your country, then type your number as you would dial it at home. A number starting with + works for any country.
both-hint = Give an email address, a mobile number, or both: you can then log in with either. With both, this first code goes by email.
first-name-label = First name
last-name-label = Last name
role-legend = I am
role-patient = A patient
role-clinician = A clinician
clinician-id-label = Your clinician's { -brand } ID
clinician-invited-drop = Type an ID instead
clinician-hint = Your clinician finds it on their { -brand } home screen. They will be able to read what you share with them.
contact-submit = Send code
whatsapp-register = Register with WhatsApp
whatsapp-login = Log in with WhatsApp
captcha-opens = A quick check that a person is asking opens in a new window.

## The code

code-title = Enter your code
code-label = Code
code-sent-to = We sent a { $length }-digit code to { $login }. It works until { $until }.
code-input =
    .aria-label = { $length }-digit code
code-submit = Continue
resend = Resend code
resend-in = Resend code in { $seconds } s
code-restart = Use another email or phone
code-start-again = Start again
code-expires-in = The code expires in { $seconds } s.
code-expired = This code has expired. Start again to get a new one.
code-match-before = Reading the message on another device? Open its link there and type
code-match-after = when it asks for this device's number: this screen goes on by itself.
code-waiting = Still listening for an approval from your other device.
code-type-digits = Type the { $length } digits of the code.
code-resent = A new code was sent to { $login }. The previous one no longer works.
approved-elsewhere = Approved from your other device. You are logged in.
server-unreachable-retrying = Cannot reach the server right now. Trying again in { $seconds } s; nothing is lost meanwhile.

## Settings: the language

settings-language = Language
settings-language-hint = The app's screens, and the messages { -brand } sends you, are in this language.
language-saved = Language saved.

## The other screens' words (ui/index.html)

app-nav =
    .aria-label = App
dev-inbox = Dev inbox
update-install = Install and restart
whatsapp-lead = Scan this code with your phone's camera: WhatsApp opens with a message to { -brand } ready. Send it without changing it, and { -brand } replies with your login link.
whatsapp-qr =
    .aria-label = QR code of the WhatsApp message to send
whatsapp-status = Waiting for your message…
whatsapp-sender-yes = Yes, that is my number
whatsapp-sender-no = No, it is not
keys-title = Making your encryption key
keys-lead = { -brand } is making a key on this device that only you hold. It protects what you share with your care team. This takes a moment.
keys-progress =
    .aria-valuetext = Starting
keys-step = Starting…
backup-title = Protect your key with a backup password
backup-lead = If this device is lost or replaced, this password brings your key back on a new one. The server keeps your key only sealed under it: it never sees the password, and nobody can reset it for you. It also lets this password be tried only 10 times in a row: after that, the password backup locks, and your recovery key or another of your devices brings your key back instead.
backup-password-label = Backup password
backup-meter =
    .aria-label = Password strength
backup-strength = Use four or more unrelated words, or a long phrase only you would think of.
same-password-label = The same password again
backup-progress =
    .aria-label = Sealing your key
backup-submit = Save backup
backup-skip = Skip for now
backup-skip-warning-text = Without a backup, losing or replacing this device means losing your key: what you shared would stay unreadable to you until someone it was shared with shares it again. You can set a backup password later from the home screen.
backup-skip-confirm = Skip anyway
backup-skip-cancel = Set a password
recovery-title = Your recovery key
recovery-lead = If you forget your backup password, this key restores your encryption key instead. Write it down or print it, and keep it somewhere safe and private. It is shown only this once.
recovery-qr =
    .aria-label = QR code of your recovery key
continue = Continue
not-now = Not now
restore-title = Bring your key to this device
restore-lead = This device does not have your encryption key yet. Restore it to read what you and your care team shared.
restore-with = Restore with
restore-recovery-label = Recovery key
restore-recovery-hint = 52 letters and digits; dashes, spaces and case do not matter.
restore-transfer-label = Code from your other device
restore-transfer-hint = On the device that has your key, open { -brand } and choose “Send key to a new device”. Copy the code it shows and paste it here (on a phone, scan its QR code). It works once, for five minutes.
restore-file-label = Backup file (.carekey)
restore-new-warning = A new key lets you share new data from this device. Everything encrypted for your old key stays unreadable to you until someone it was shared with shares it again; if you still have a device with the old key, use it instead.
restore-progress =
    .aria-label = Opening your backup
restore-submit = Restore my key
restore-later = Later
whatsapp-link-label = Link for a phone:
recovery-saved = I have saved my recovery key somewhere safe
restore-new-understood = I understand
restore-how-password = My backup password
restore-how-recovery = My recovery key
restore-how-transfer = My other device, which has the key
restore-how-file = A backup file
restore-how-new = None of these: make a new key
home-title = Hello
home-offline = Offline: { -brand } cannot reach the server right now, so what you see is what this device last knew. It tries again on its own; nothing is lost meanwhile.
home-guest-text = You are using { -brand } as a guest. Your notes and preferences are kept; when you create an account or log in on this device, they come with you.
home-name-label = Name
change = Change
home-role-label = Logged in as
home-contact-label = Contact
home-phone-label = Mobile number for SMS login
phone-open = Add a mobile number
home-id-label = Your { -brand } ID
home-id-copy = Copy
home-clinician-label = Your clinician's { -brand } ID
clinician-stop = Stop sharing
home-fingerprint-label = Encryption key on this device
invitation-accept = Accept the invitation
clinician-title = Choose your clinician
clinician-form-hint = Ask your clinician for their { -brand } ID. They see nothing of yours until they accept you; then this device shares your notes with them, the earlier ones too. A clinician you had before keeps what you shared with them then, and gets nothing new.
save = Save
cancel = Cancel
name-title = Change your name
phone-title = Log in by SMS too
email-title = Log in with another email address
email-new-label = New email address
email-change-hint = We send a code to the new address. Your current address is told of the change, with a link to undo it if it was not you.
home-no-key-text = This device has no encryption key for your account yet.
home-restore = Restore or make a key
home-backup-title = Key backup
home-backup-change = Set backup password
home-recovery-new = New recovery key
home-transfer = Send key to a new device
home-export = Export backup file
transfer-qr =
    .aria-label = QR code of the transfer code
transfer-copy = Copy code
done = Done
export-lead = The file is your key sealed under the password you type here. Keep it away from this device (a USB stick, another computer).
export-password-label = Password for the file
export-submit = Save file
account-keys-title = Keys of this account
account-keys-hint = One key per device you made one on. If you do not recognise a key, or a device is lost, revoke its key: nothing new is encrypted for it, and your clinician's and your devices stop using it.
account-sessions-title = Where you are logged in
account-sessions-hint = Each device logged in to your account, under the name it gave itself. If you do not recognise one, or a device is lost, log it out: it then needs a new code to log in again.
sessions-end-others = Log out all other devices
activity-title = Key activity
account-export-title = Download everything in your account
account-export-hint = Your profile, where you are logged in, your key activity, and every note you wrote, opened on this device: a page to read or print, and the same as a JSON file for another program. You choose where the page goes; the JSON file is saved beside it under the same name.
account-export-button = Download my data
account-delete-title = Delete your account
account-delete-hint = This removes your account from the { -brand } server for good: your name and contact, your keys and backups, and every note you wrote, with the copies your clinician could read. This device forgets your login and your key. Nothing can bring them back.
account-delete-button = Delete my account
patients-title = Your patients
patients-hint = A patient who names you waits here until you accept: until then nothing of theirs is shared with you, and they get nothing of yours. The name and contact are what they typed: make sure you know them before you accept.
patients-empty = No patient has named you yet. Invite them below, or give them your { -brand } ID above.
invite-title = Invite a patient
invite-hint = An invitation opens { -brand } with you already chosen, and whoever registers through it is your patient at once, without your answer: show it only to the patients you mean. Its code works for the number of patients and the time you choose, and you can withdraw it.
invite-uses-label = Patients it admits
invite-minutes-label = It works for
invite-submit = Make an invitation
invite-shown-text = Let your patient scan this code with their phone, or send them the link.
invite-qr =
    .aria-label = QR code of the invitation
invite-copy = Copy link
invite-copy-app = Copy app link
invite-withdraw = Withdraw
invitations-title = Invitations that still work
notes-title = Notes
note-label = New note
note-hint = Encrypted on this device for you and your clinician. The server stores it unreadable.
note-submit = Save note
notes-empty = No notes yet.
preferences-title = Preferences
pref-theme-label = Appearance
theme-system = Like the system
theme-light = Light
theme-dark = Dark
preferences-hint = Kept with your account: your other devices use it too.
log-out = Log out
inbox-hint = The built-in server does not send messages: they land here, as they would on the phone or in the mailbox they were for.
inbox-empty = No messages yet.
settings-title = Server
server-url-label = Standalone { -brand } server
settings-save = Use this server
settings-embedded = Use the built-in server
about-title = About { -brand }
about-hint = If something goes wrong, copy the diagnostics and paste them in your message to support. They hold the app's version, your system, the server's address, the last errors and where the log file is; never your codes, your session or your contact details.
diagnostics-copy = Copy diagnostics
licences-open = Licences
diagnostics-label = Diagnostics
licences-title = Licences
licences-hint = { -brand } is free software under the GNU Affero General Public License, version 3. It is built with the open-source software below, each under its own licence.
proof-title = Confirm it's you
proof-sent-to = Sending a code to your account's own email or phone…
proof-submit = Confirm

## Care: a patient and her clinician

care-status-none = None: your notes are yours alone.
care-status-pending = (waiting for them to accept you)
care-status-accepted = (accepted you)
care-status-declined = (declined)
care-pending = Your clinician has not accepted you yet. Until they do, your notes are kept for you alone; once they accept, { -brand } shares them with your clinician.
care-declined = Your clinician declined to follow you in { -brand }. Your notes are kept for you alone. If this is a mistake, ask them to accept you.
care-accepted-shared =
    { $count ->
        [one] Your clinician accepted you: 1 earlier note is now shared with them.
       *[other] Your clinician accepted you: { $count } earlier notes are now shared with them.
    }
care-not-accepted = Your clinician has not accepted you yet: your notes are kept for you alone.
clinician-id-needed = Type your clinician's { -brand } ID.
clinician-changed = Your clinician is changed. They see your notes once they accept you.
clinician-stop-confirm = Stop sharing new notes with my clinician
clinician-stopped = You no longer share with a clinician. What you write from now on is yours alone.

## A clinician's patients

patient-pending = Waiting for your answer
patient-accepted = Accepted
patient-declined = Declined
patient-facts =
    { $contact ->
        [none] no contact given
       *[other] { $contact }
    } · named you { $named } · { $notes ->
        [0] no notes shared
        [one] 1 note shared
       *[other] { $notes } notes shared
    }
patient-new-key =
    { $count ->
        [one] { $patient } made a new key and cannot open 1 of their notes. Your device can give it back.
       *[other] { $patient } made a new key and cannot open { $count } of their notes. Your device can give them back.
    }
patient-give-back = Give the notes back
patient-accept = Accept
patient-decline = Decline
patient-stop-following = Stop following
patient-given-back =
    { $count ->
        [one] { $patient } can open 1 note again.
       *[other] { $patient } can open { $count } notes again.
    }
patient-accepted-now = { $patient } is now your patient: their notes will be shared with you.
patient-declined-now = { $patient }: nothing new will be shared with you.

## Changing the account's mobile number or email address

verify = Verify
send-new-code = Send a new code.
phone-verified = Your mobile number is verified: you can now log in by SMS.
email-changed = Your email address is changed: log in with it from now on. Your previous address was told, in case it was not you.

## Where the account is logged in

session-facts =
    Logged in { $created } · last seen { $seen }{ $place ->
        [none] {""}
       *[other] {" "}· logged in near { $place }
    }{ $here ->
        [yes] {" "}· this device
       *[no] {""}
    }
session-end-confirm = Log out { $device }
session-ended = That device is logged out. It needs a new code to log in again.
sessions-end-others-confirm = Log out every other device now
sessions-ended =
    { $count ->
        [one] 1 other device is logged out.
       *[other] { $count } other devices are logged out.
    }

## Home

home-title-guest = Hello, guest
home-title-named = Hello, { $person }
home-carried =
    { $count ->
        [one] What you did as a guest is now in your account: 1 note and your preferences.
       *[other] What you did as a guest is now in your account: { $count } notes and your preferences.
    }
role-is-clinician = Clinician
role-is-patient = Patient
home-id-label-clinician = Your { -brand } ID (give it to your patients)
none = None
clinician-choose = Choose a clinician
phone-not-verified = { $phone } (not verified yet)
phone-verify = Verify it
email-add = Add an email address
notes-title-clinician = Notes, yours and your patients'
note-hint-clinician = Encrypted on this device for you alone. Your patients' notes shared with you are listed below.
note-hint-alone = Encrypted on this device for you alone. The server stores it unreadable.
note-hint-until-accepted = Encrypted on this device for you alone until your clinician accepts you; then they can read it too. The server stores it unreadable.
backup-status =
    { $password ->
        [none] No backup password yet: if this device is lost, so is your key.
       *[other] Password backup saved { $password }.
    } { $recovery ->
        [none] No recovery key yet.
       *[other] Recovery key made { $recovery }.
    }
home-backup-change-again = Change backup password
notes-need-key = Restore your key on this device to read your notes.
activity-item =
    { $at }: { $action ->
        [backup_stored-password] Password backup saved
        [backup_stored-recovery] Recovery key backup saved
        [backup_fetched-password] Password backup downloaded
        [backup_fetched-recovery] Recovery key backup downloaded
        [transfer_offered] Key offered to a new device
        [transfer_taken] Key taken by a new device
        [key_registered] New key registered
        [key_revoked] Key revoked
        [password_tried] Backup password tried
        [password_confirmed] Backup password confirmed
        [password_locked] Password backup locked after too many tries
       *[other] { $raw }
    } (from { $ip })
id-copied = Your { -brand } ID was copied.
id-selected = Your { -brand } ID is selected: copy it with Ctrl+C.
logged-out = You are logged out.

## Invitations

invitation-facts =
    { $count ->
        [one] It admits 1 patient more, until { $until }.
       *[other] It admits { $count } patients more, until { $until }.
    }
invitation-listed =
    { $count ->
        [one] Made at { $made }. It admits 1 patient more, until { $until }.
       *[other] Made at { $made }. It admits { $count } patients more, until { $until }.
    }
invitation-ready = Your invitation is ready: let your patient scan the code, or send them the link.
invitation-copied = The invitation link was copied.
invitation-selected = The invitation link is selected: copy it with Ctrl+C.
invitation-withdrawn = The invitation is withdrawn: nobody can join you through it any more.
invited-register = { $clinician } invited you. Fill in your details to create your account.
invited-follows = { $clinician } invited you: they follow you as soon as your account exists.
invitation-for-you = { $clinician } invites you to share your notes with them. If you accept, they are your clinician from now on and see your notes, the earlier ones too.
invitation-for-patients = This invitation from { $clinician } is for patients; you are logged in as a clinician.
invitation-accepted = { $clinician } is now your clinician.
invitation-set-aside = The invitation is set aside.
invite-patients =
    { $count ->
        [one] 1 patient
       *[other] { $count } patients
    }
invite-minutes-option =
    { $count ->
        [one] 1 minute
       *[other] { $count } minutes
    }
invite-hours-option =
    { $count ->
        [one] 1 hour
       *[other] { $count } hours
    }
invite-days-option =
    { $count ->
        [one] 1 day
       *[other] { $count } days
    }

## The device key, its backup password and recovery key

key-step-primes = Looking for two large primes ({ $seconds } s)…
key-step-storing = Saving the private key in this computer's keychain…
key-step-registering = Sending your public key to the server…
key-step-done = Your key is ready.
key-not-registered = Your key is not registered yet: confirm it's you to finish.
key-ready = Your encryption key is ready.
backup-step-fetching = Fetching your backup…
backup-step-deriving = Working through your password (it is made slow on purpose): { $seconds } s
backup-step-storing = Saving…
backup-step-done = Done.
backup-title-change = Change your backup password
# The meter's words under the backup password: $score is zxcvbn's 0 to 4,
# $advice its advice (the strength- messages below), already in this language.
strength-said =
    { $score ->
        [0] Very weak
        [1] Weak
        [2] Fair
        [3] Almost strong enough
       *[4] Very strong
    }{ $acceptable ->
        [yes] {""}
       *[no] : too easy to guess.
    } { $advice }
backup-saved = Your backup is saved.
recovery-set = Your recovery key is set.
key-facts =
    Made { $made }{ $revoked ->
        [none] { $here ->
            [yes] {" "}· this device
           *[no] {""}
        }
       *[other] {" "}· revoked { $revoked }
    }
key-revoke = Revoke
key-revoke-confirm = Revoke this key for good
key-revoked = The key is revoked: nothing new is encrypted for it.

## zxcvbn's advice on a backup password, by its name

strength-StraightRowsOfKeysAreEasyToGuess = Straight rows of keys are easy to guess.
strength-ShortKeyboardPatternsAreEasyToGuess = Short keyboard patterns are easy to guess.
strength-RepeatsLikeAaaAreEasyToGuess = Repeats like “aaa” are easy to guess.
strength-RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess = Repeats like “abcabcabc” are only slightly harder to guess than “abc”.
strength-ThisIsATop10Password = This is one of the 10 most common passwords.
strength-ThisIsATop100Password = This is one of the 100 most common passwords.
strength-ThisIsACommonPassword = This is a very common password.
strength-ThisIsSimilarToACommonlyUsedPassword = This is similar to a commonly used password.
strength-SequencesLikeAbcAreEasyToGuess = Sequences like abc or 6543 are easy to guess.
strength-RecentYearsAreEasyToGuess = Recent years are easy to guess.
strength-AWordByItselfIsEasyToGuess = A word by itself is easy to guess.
strength-DatesAreOftenEasyToGuess = Dates are often easy to guess.
strength-NamesAndSurnamesByThemselvesAreEasyToGuess = Names and surnames by themselves are easy to guess.
strength-CommonNamesAndSurnamesAreEasyToGuess = Common names and surnames are easy to guess.
strength-UseAFewWordsAvoidCommonPhrases = Use a few words, and avoid common phrases.
strength-NoNeedForSymbolsDigitsOrUppercaseLetters = No need for symbols, digits or capital letters.
strength-AddAnotherWordOrTwo = Add another word or two. Uncommon words are better.
strength-CapitalizationDoesntHelpVeryMuch = Capital letters do not help very much.
strength-AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase = All capitals are almost as easy to guess as no capitals.
strength-ReversedWordsArentMuchHarderToGuess = Words written backwards are not much harder to guess.
strength-PredictableSubstitutionsDontHelpVeryMuch = Predictable substitutions, like @ for a, do not help very much.
strength-UseALongerKeyboardPatternWithMoreTurns = Use a longer keyboard pattern with more turns.
strength-AvoidRepeatedWordsAndCharacters = Avoid repeated words and characters.
strength-AvoidSequences = Avoid sequences.
strength-AvoidRecentYears = Avoid recent years.
strength-AvoidYearsThatAreAssociatedWithYou = Avoid years that are linked to you.
strength-AvoidDatesAndYearsThatAreAssociatedWithYou = Avoid dates and years that are linked to you.

## Notes

notes-group =
    { $author ->
        [you] You
       *[other] { $author }
    } · { $count ->
        [one] 1 note
       *[other] { $count } notes
    }
note-author =
    { $author ->
        [you] You
       *[other] From { $author }
    }
note-unreadable = Encrypted for a key this device does not have.
note-empty = Write something first.
note-saved = Your note is saved, encrypted.

## The account: name, deletion, download

name-changed = Your name is now { $person }.
account-delete-confirm = Delete my account and all my notes for good
account-deleted = Your account is deleted, with your keys, backups and notes. This device no longer holds any of it.
export-nothing-saved = Nothing was saved.
export-saved =
    { $count ->
        [one] Saved 1 note and the rest: { $html } (to read) and { $json }.
       *[other] Saved { $count } notes and the rest: { $html } (to read) and { $json }.
    }{ $opened ->
        [no] {" "}This device has no key for your account, so the notes are listed without their text.
       *[yes] {""}
    }
export-saved-announce = Your data is saved where you chose.

## Confirming it is the account's owner

proof-sent = To keep your account safe, confirm it's you first: we sent a { $length }-digit code to { $login }.
proof-new-code = Here is a new code.

## Restoring the key

restore-make-new = Make a new key
file-unreadable = The file could not be read.
restore-new-tick = Tick “I understand” first: a new key cannot read what was encrypted for the old one.
restore-tries = { $tries ->
        [0] Too many wrong passwords: the password backup is locked. Restore with your recovery key, or from another of your devices.
        [one] The server allows 1 more try with this password. After that the password backup locks, and only your recovery key or another of your devices can bring your key back.
       *[other] The server allows { $tries } more tries with this password. After that the password backup locks, and only your recovery key or another of your devices can bring your key back.
    }
restore-choose-file = Choose the backup file first.
restore-done = Your key is restored on this device.

## Settings, about, updates

appearance-saved = Appearance saved.
server-embedded = Using the built-in server at { $url }.
server-environment = Using { $url }, set by CAREKEY_SERVER_URL.
server-chosen = Using { $url }.
server-locked = Unset CAREKEY_SERVER_URL to choose the server here.
about-version = Version { $version }.
diagnostics-copied = Copied. Paste them into your message to support.
diagnostics-not-copied = The clipboard could not be reached: select the text below and copy it.
licences-frame = The licences of the software in { -brand }
update-ready-app = { -brand } { $version } is ready to install. { -brand } restarts to install it; nothing you saved is lost.
update-ready-system = { -brand } { $version } is ready to install. Your system's software updater will offer it, or run: sudo apt install --only-upgrade carekey
update-installed = { -brand } { $version } is installed. Close and reopen { -brand } to use it.
update-downloading = Downloading and checking the update…

## Start-up and links

server-lost = { -brand } cannot reach the server right now. It keeps trying.
server-back = { -brand } reaches the server again.
link-unusable = This link could not be used.
link-logged-in = You are logged in with the link from your message.

## Sending the key to a new device, and the backup file

transfer-expired = The transfer code expired. Make a new one if you still need it.
transfer-intro = On your new device, log in, choose “My other device, which has the key”, and paste this code (or scan it). It works once, for { $left } more.
transfer-copied = The transfer code was copied.
transfer-selected = The transfer code is selected: copy it with Ctrl+C.
export-saved-to = Saved to { $path }
export-file-saved = Your backup file is saved to { $path }.

## Logging in with WhatsApp

whatsapp-send-to = Or send this message to { $number } on WhatsApp:
whatsapp-expiry = The message works until { $until }.
whatsapp-too-late = The message was not sent in time. Go back and start again.
whatsapp-sender = Your message arrived from the WhatsApp number { $number }. Is that your number?
whatsapp-sender-announce = Message received from { $number }. Confirm it is your number.
whatsapp-replied = We replied on WhatsApp ({ $number }). Tap the link there, or type the { $length }-digit code here. It works until { $until }.
whatsapp-not-yours = The message came from a number that is not yours, so nothing was logged in. Start again, and send the message from your own WhatsApp.

## The development inbox

inbox-to =
    { $channel ->
        [sms] SMS to { $to }
       *[email] Email to { $to }
    }
backup-skipped = No backup set. You can set one from the home screen.

## Errors: the sentence for each error code the app knows. A code it does
## not know shows the server's own sentence.

error-internal = Something went wrong inside { -brand }. Please try again.
error-no_backend = { -brand }'s window is open outside the app.
error-invalid_email = This is not a valid email address.
error-invalid_phone = This is not a valid phone number. Pick your country, or write it with + and the country code.
error-invalid_code =
    { $attemptsLeft ->
        [0] This code is not right.
        [one] This code is not right. 1 try left.
       *[other] This code is not right. { $attemptsLeft } tries left.
    }
error-code_expired = This code has expired. Start again to get a new one.
error-code_used = This code has already been used. Start again to get a new one.
error-too_many_attempts = Too many wrong codes. Start again later.
error-rate_limited =
    { $retryAfter ->
        [0] Too many requests. Wait a moment and try again.
       *[other] Too many requests. Try again in { $retryAfter } s.
    }
error-unknown_request = This login request is unknown or has ended. Start again.
error-captcha_failed = The captcha check failed. Try again.
error-channel_unavailable = This server cannot send messages that way. Choose another way.
error-keychain_unavailable = The system keychain is locked or not available. Unlock it (or install gnome-keyring) and try again.
error-verifier_mismatch = This login was started on another device. Start again on this one.
error-invalid_clinician = This is not the { -brand } ID of a registered clinician. Check it with your clinician.
error-invalid_token = Your session has ended. Please log in again.
error-token_reused = Your session was used from two places at once, so it was ended to protect your account. Please log in again.
error-session_revoked = You were logged out, from another of your devices or because a change of your login was reported as not yours. Please log in again.
error-session_ended = Your session has ended. Please log in again.
error-contact_taken = This email address or phone number is already used to log in to another account.
error-not_found = This is no longer there. It may have been removed on another device.
error-invalid_link = This link is damaged or not one of { -brand }'s. Use the whole link from the message, or ask for a new code.
error-approval_pending = The login has not been approved yet.
error-whatsapp_pending = The WhatsApp message has not arrived yet.
error-no_backup = Your account has no backup of that kind.
error-version_conflict = Your backup was changed on another device. Try again.
error-unknown_transfer = This transfer code is unknown or was already used. Make a new one on the device that has your key.
error-transfer_expired = This transfer code waited too long and was deleted. Make a new one on the device that has your key.
error-invalid_invitation = This invitation link does not work. Check that the whole link was copied, or type your clinician's { -brand } ID.
error-invitation_ended = This invitation has expired, was used already or was withdrawn. Ask your clinician for a new one, or type their { -brand } ID.
error-unavailable = The server cannot answer right now. Try again shortly.
error-request_timeout = The request took too long. Try again.
error-fresh_proof_required = To make this change, first confirm it's you with a code sent to your account's email or phone.
error-quota_exceeded = Your account has reached its storage limit. Delete something first.
error-account_disabled = This account has been disabled by the people who run this { -brand } server. Ask your clinic.
error-internal_error = Something went wrong on the server. Please try again.
error-unreachable = Cannot reach the { -brand } server. Check the connection and try again.
error-bad_answer = The server's answer could not be understood. Try again later.
error-no_pending_login = No login is in progress. Start again.
error-not_logged_in = You are not logged in.
error-crypto_failed = The encryption key could not be made or read. Try again.
error-storage_failed = { -brand } could not read or write a file it needs. Check the folder and the free space, then try again.
error-not_a_backup = This is not a { -brand } key backup.
error-backup_too_new = This backup was made by a newer { -brand }. Update the app first.
error-wrong_backup_kind = This is not the right kind of backup for this.
error-backup_parameters = This backup's protection is not one { -brand } accepts.
error-backup_wrong_owner = This backup belongs to another account.
error-wrong_secret = The password or key is not right, or the backup was altered.
error-backup_damaged = This backup is damaged.
error-malformed_recovery_key = A recovery key is 52 letters and digits (13 groups of 4). Check what you typed.
error-malformed_transfer_code = This is not a { -brand } transfer code. Copy it again from the other device.
error-weak_password = This password is too easy to guess. Use four or more unrelated words, or a long phrase only you would think of.
error-no_key = This device has no key for this account yet.
error-foreign_link = This is not a { -brand } link.
error-not_a_login_link = This { -brand } link is a clinician's invitation, not a login.
error-link_not_for_this_device = This link is for a login started on another device, or one that has ended. Ask for a new code on this device.
error-has_key = This device already has a key for this account.
error-captcha_cancelled = The check was not finished. Try again.
error-server_unavailable = The built-in server could not start. Check that the app's data folder is writable.
error-passwords_differ = The two passwords are not the same. Type them again.
error-server_locked = The server is set by CAREKEY_SERVER_URL. Unset it to change it here.
error-invalid_server_url = Give the server's address, such as https://carekey.example.org.
error-invitation_forgotten = The invitation is no longer open in { -brand }. Open its link again, or type your clinician's { -brand } ID.
error-no_update = There is no update to install.
error-update_failed = The update could not be downloaded or installed. Nothing changed; { -brand } will look again later.
error-update_by_system = Your system's software updater installs { -brand }'s updates.
error-update_waits = Finish what you are doing (or go back) first; the update will still be ready.
error-name_needed = Give a first and a last name.
error-no_server_there = No { -brand } server answers at that address. Check the address and the connection.
error-invalid_request = { -brand } sent something the server could not accept. Check what you typed and try again; if it happens again, update { -brand }.
error-invalid_recipient = Who can read this note changed in the meantime (a key was added or removed, or your clinician changed). Try again.
error-invalid_name = A name can be at most 100 characters, without tabs or line breaks.
error-file_needed = Choose the backup file first.
error-backup_locked = Your backup password was tried too many times, so the password backup is locked. Restore with your recovery key, or from another of your devices; then make a new password backup.
error-backup_key_lost = The server can no longer check your backup password (its key was lost). Restore with your recovery key, or from another of your devices.
error-wrong_backup_password = { $attemptsLeft ->
        [0] This password is not right, and that was the last try: the password backup is now locked. Restore with your recovery key, or from another of your devices.
        [one] This password is not right. 1 try left before the password backup locks.
       *[other] This password is not right. { $attemptsLeft } tries left before the password backup locks.
    }
error-oprf_unverified = The server's answer to the password check could not be verified, so nothing was tried with it. Try again later; if it keeps happening, tell the people who run your { -brand } server.
error-contact_needed = Give an email address or a phone number.
error-note_length = A note is 1 to 4,000 characters long.
error-own_key = This is this device's own key. Revoke it from another of your devices.
error-patients_remain = { $patients ->
        [0] Patients still name you
        [one] { $patients } patient still names you
       *[other] { $patients } patients still name you
    } as their clinician, so your account cannot be deleted yet: they would be left with nobody. Ask the people who run your { -brand } server to move them to another clinician, or ask your patients to choose another clinician in the app first.
