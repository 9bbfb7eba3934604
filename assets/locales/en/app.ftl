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
