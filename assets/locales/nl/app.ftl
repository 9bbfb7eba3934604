# De app CareKey: wat de schermen zeggen, in het Nederlands. Dezelfde
# berichten, attributen en variabelen als de Engelse catalogus.

-brand = CareKey

## Het starten

loading-title = { -brand } wordt gestart…
start-failed-title = { -brand } kan niet starten
try-again = Opnieuw proberen
back = Terug
close = Sluiten
settings-open = Instellingen

## Welkom

welcome-title = Welkom bij { -brand }
welcome-lead = Log in met een code die naar uw e-mailadres of telefoon wordt gestuurd. Geen wachtwoord om te onthouden.
choose-register = Account aanmaken
choose-login = Inloggen
choose-guest = { -brand } proberen zonder account

## Registreren of inloggen

contact-title-register = Uw account aanmaken
contact-title-login = Inloggen
via-legend = Stuur mijn code per
via-email = E-mail
via-phone = Sms
email-label = E-mailadres
phone-label = Gsm-nummer
phone-label-optional = Gsm-nummer (niet nodig als u een e-mailadres geeft)
country =
    .aria-label = Land
country-other = Ander land (typ het nummer met +)
phone-hint = Kies uw land en typ dan uw nummer zoals u het thuis zou bellen. Een nummer dat met + begint, werkt voor elk land.
both-hint = Geef een e-mailadres, een gsm-nummer of allebei: u kunt daarna met elk van beide inloggen. Met allebei gaat deze eerste code per e-mail.
first-name-label = Voornaam
last-name-label = Achternaam
role-legend = Ik ben
role-patient = Patiënt
role-clinician = Zorgverlener
clinician-id-label = De { -brand }-ID van uw zorgverlener
clinician-invited-drop = Toch een ID typen
clinician-hint = Uw zorgverlener vindt die op het startscherm van { -brand }. Hij of zij kan lezen wat u deelt.
contact-submit = Code versturen
whatsapp-register = Registreren met WhatsApp
whatsapp-login = Inloggen met WhatsApp
captcha-opens = Een korte controle dat een mens de aanvraag doet, opent in een nieuw venster.

## De code

code-title = Voer uw code in
code-label = Code
code-sent-to = We hebben een code van { $length } cijfers gestuurd naar { $login }. Hij werkt tot { $until }.
code-input =
    .aria-label = Code van { $length } cijfers
code-submit = Doorgaan
resend = Code opnieuw sturen
resend-in = Code opnieuw sturen over { $seconds } s
code-restart = Een ander e-mailadres of telefoonnummer gebruiken
code-start-again = Opnieuw beginnen
code-expires-in = De code vervalt over { $seconds } s.
code-expired = Deze code is verlopen. Begin opnieuw om een nieuwe te krijgen.
code-match-before = Leest u het bericht op een ander toestel? Open daar de link en typ
code-match-after = wanneer gevraagd wordt naar het getal van dit toestel: dit scherm gaat dan vanzelf verder.
code-waiting = Wacht op goedkeuring vanaf uw andere toestel.
code-type-digits = Typ de { $length } cijfers van de code.
code-resent = Er is een nieuwe code gestuurd naar { $login }. De vorige werkt niet meer.
approved-elsewhere = Goedgekeurd vanaf uw andere toestel. U bent ingelogd.
server-unreachable-retrying = De server is nu niet bereikbaar. Nieuwe poging over { $seconds } s; intussen gaat er niets verloren.

## Instellingen: de taal

settings-language = Taal
settings-language-hint = De schermen van de app, en de berichten die { -brand } u stuurt, zijn in deze taal.
language-saved = Taal opgeslagen.

## Fouten: de zin bij elke foutcode die de app kent.

error-internal = Er ging iets mis in { -brand }. Probeer het opnieuw.
error-no_backend = Het venster van { -brand } is buiten de app geopend.
error-invalid_email = Dit is geen geldig e-mailadres.
error-invalid_phone = Dit is geen geldig telefoonnummer. Kies uw land, of schrijf het met + en de landcode.
error-invalid_code =
    { $attemptsLeft ->
        [0] Deze code klopt niet.
        [one] Deze code klopt niet. Nog 1 poging.
       *[other] Deze code klopt niet. Nog { $attemptsLeft } pogingen.
    }
error-code_expired = Deze code is verlopen. Begin opnieuw om een nieuwe te krijgen.
error-code_used = Deze code is al gebruikt. Begin opnieuw om een nieuwe te krijgen.
error-too_many_attempts = Te veel foute codes. Probeer het later opnieuw.
error-rate_limited =
    { $retryAfter ->
        [0] Te veel aanvragen. Wacht even en probeer het opnieuw.
       *[other] Te veel aanvragen. Probeer het opnieuw over { $retryAfter } s.
    }
error-unknown_request = Deze inlogaanvraag is onbekend of afgelopen. Begin opnieuw.
error-captcha_failed = De captchacontrole is mislukt. Probeer het opnieuw.
error-channel_unavailable = Deze server kan op die manier geen berichten sturen. Kies een andere manier.
error-keychain_unavailable = De sleutelhanger van het systeem is vergrendeld of niet beschikbaar. Ontgrendel hem (of installeer gnome-keyring) en probeer het opnieuw.
