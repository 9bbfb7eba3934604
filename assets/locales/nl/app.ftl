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

## De andere schermen (ui/index.html)

app-nav =
    .aria-label = App
dev-inbox = Testinbox
update-install = Installeren en herstarten
whatsapp-lead = Scan deze code met de camera van uw telefoon: WhatsApp opent met een bericht aan { -brand } klaar. Verstuur het zonder het te wijzigen, en { -brand } antwoordt met uw inloglink.
whatsapp-qr =
    .aria-label = QR-code van het WhatsApp-bericht om te versturen
whatsapp-status = Wachten op uw bericht…
whatsapp-sender-yes = Ja, dat is mijn nummer
whatsapp-sender-no = Nee, dat is het niet
keys-title = Uw versleutelingssleutel wordt gemaakt
keys-lead = { -brand } maakt op dit apparaat een sleutel die alleen u bezit. Hij beschermt wat u deelt met uw zorgteam. Dit duurt even.
keys-progress =
    .aria-valuetext = Bezig met starten
keys-step = Bezig met starten…
backup-title = Bescherm uw sleutel met een back-upwachtwoord
backup-lead = Als dit apparaat verloren raakt of vervangen wordt, haalt dit wachtwoord uw sleutel terug op een nieuw apparaat. De server bewaart uw sleutel alleen verzegeld met dit wachtwoord: hij ziet het wachtwoord nooit, en niemand kan het voor u opnieuw instellen. Ook laat hij dit wachtwoord maar 10 keer na elkaar proberen: daarna vergrendelt de back-up met wachtwoord, en haalt uw herstelsleutel of een ander apparaat van u uw sleutel terug.
backup-password-label = Back-upwachtwoord
backup-meter =
    .aria-label = Sterkte van het wachtwoord
backup-strength = Gebruik vier of meer woorden die niets met elkaar te maken hebben, of een lange zin die alleen u zou bedenken.
same-password-label = Hetzelfde wachtwoord nog eens
backup-progress =
    .aria-label = Uw sleutel wordt verzegeld
backup-submit = Back-up opslaan
backup-skip = Later
backup-skip-warning-text = Zonder back-up betekent het verlies of de vervanging van dit apparaat dat u uw sleutel kwijt bent: wat u hebt gedeeld, blijft voor u onleesbaar tot iemand met wie u het deelde, het opnieuw met u deelt. U kunt later een back-upwachtwoord instellen vanaf het startscherm.
backup-skip-confirm = Toch overslaan
backup-skip-cancel = Een wachtwoord instellen
recovery-title = Uw herstelsleutel
recovery-lead = Als u uw back-upwachtwoord vergeet, herstelt deze sleutel uw versleutelingssleutel. Schrijf hem op of druk hem af, en bewaar hem op een veilige, privé plek. Hij wordt maar één keer getoond.
recovery-qr =
    .aria-label = QR-code van uw herstelsleutel
continue = Doorgaan
not-now = Niet nu
restore-title = Haal uw sleutel naar dit apparaat
restore-lead = Dit apparaat heeft uw versleutelingssleutel nog niet. Herstel hem om te lezen wat u en uw zorgteam hebben gedeeld.
restore-with = Herstellen met
restore-recovery-label = Herstelsleutel
restore-recovery-hint = 52 letters en cijfers; streepjes, spaties en hoofdletters maken niet uit.
restore-transfer-label = Code van uw andere apparaat
restore-transfer-hint = Open { -brand } op het apparaat dat uw sleutel heeft, en kies ‘Sleutel naar een nieuw apparaat sturen’. Kopieer de code die verschijnt en plak hem hier (op een telefoon: scan de QR-code). Hij werkt één keer, vijf minuten lang.
restore-file-label = Back-upbestand (.carekey)
restore-new-warning = Met een nieuwe sleutel kunt u nieuwe gegevens delen vanaf dit apparaat. Alles wat voor uw oude sleutel versleuteld is, blijft voor u onleesbaar tot iemand met wie u het deelde, het opnieuw met u deelt; hebt u nog een apparaat met de oude sleutel, gebruik dat dan.
restore-progress =
    .aria-label = Uw back-up wordt geopend
restore-submit = Mijn sleutel herstellen
restore-later = Later
whatsapp-link-label = Link voor een telefoon:
recovery-saved = Ik heb mijn herstelsleutel op een veilige plek bewaard
restore-new-understood = Ik begrijp het
restore-how-password = Mijn back-upwachtwoord
restore-how-recovery = Mijn herstelsleutel
restore-how-transfer = Mijn andere apparaat, dat de sleutel heeft
restore-how-file = Een back-upbestand
restore-how-new = Geen van deze: een nieuwe sleutel maken
home-title = Hallo
home-offline = Offline: { -brand } kan de server nu niet bereiken, dus u ziet wat dit apparaat het laatst wist. Het probeert het vanzelf opnieuw; intussen gaat er niets verloren.
home-guest-text = U gebruikt { -brand } als gast. Uw notities en voorkeuren blijven bewaard; als u een account aanmaakt of inlogt op dit apparaat, gaan ze mee.
home-name-label = Naam
change = Wijzigen
home-role-label = Ingelogd als
home-contact-label = Contact
home-phone-label = Mobiel nummer om in te loggen per sms
phone-open = Een mobiel nummer toevoegen
home-id-label = Uw { -brand }-ID
home-id-copy = Kopiëren
home-clinician-label = De { -brand }-ID van uw zorgverlener
clinician-stop = Stoppen met delen
home-fingerprint-label = Versleutelingssleutel op dit apparaat
invitation-accept = De uitnodiging aanvaarden
clinician-title = Uw zorgverlener kiezen
clinician-form-hint = Vraag uw zorgverlener om zijn of haar { -brand }-ID. Uw zorgverlener ziet niets van u tot hij of zij u aanvaardt; daarna deelt dit apparaat uw notities met hem of haar, ook de eerdere. Een zorgverlener die u vroeger had, houdt wat u toen deelde en krijgt niets nieuws meer.
save = Opslaan
cancel = Annuleren
name-title = Uw naam wijzigen
phone-title = Ook inloggen per sms
email-title = Inloggen met een ander e-mailadres
email-new-label = Nieuw e-mailadres
email-change-hint = We sturen een code naar het nieuwe adres. Uw huidige adres krijgt bericht van de wijziging, met een link om die ongedaan te maken als u het niet was.
home-no-key-text = Dit apparaat heeft nog geen versleutelingssleutel voor uw account.
home-restore = Een sleutel herstellen of maken
home-backup-title = Back-up van de sleutel
home-backup-change = Back-upwachtwoord instellen
home-recovery-new = Nieuwe herstelsleutel
home-transfer = Sleutel naar een nieuw apparaat sturen
home-export = Back-upbestand exporteren
transfer-qr =
    .aria-label = QR-code van de overdrachtscode
transfer-copy = Code kopiëren
done = Klaar
export-lead = Het bestand is uw sleutel, verzegeld met het wachtwoord dat u hier typt. Bewaar het ergens anders dan op dit apparaat (een usb-stick, een andere computer).
export-password-label = Wachtwoord voor het bestand
export-submit = Bestand opslaan
account-keys-title = Sleutels van dit account
account-keys-hint = Eén sleutel per apparaat waarop u er een maakte. Herkent u een sleutel niet, of is een apparaat verloren, trek de sleutel dan in: er wordt niets nieuws meer voor versleuteld, en de apparaten van uw zorgverlener en van uzelf gebruiken hem niet meer.
account-sessions-title = Waar u bent ingelogd
account-sessions-hint = Elk apparaat dat op uw account is ingelogd, onder de naam die het zichzelf gaf. Herkent u er een niet, of is een apparaat verloren, log het dan uit: het heeft daarna een nieuwe code nodig om opnieuw in te loggen.
sessions-end-others = Alle andere apparaten uitloggen
activity-title = Activiteit van de sleutel
account-export-title = Alles uit uw account downloaden
account-export-hint = Uw profiel, waar u bent ingelogd, de activiteit van uw sleutel en elke notitie die u schreef, geopend op dit apparaat: een pagina om te lezen of af te drukken, en hetzelfde als JSON-bestand voor een ander programma. U kiest waar de pagina komt; het JSON-bestand wordt ernaast opgeslagen onder dezelfde naam.
account-export-button = Mijn gegevens downloaden
account-delete-title = Uw account verwijderen
account-delete-hint = Dit verwijdert uw account voorgoed van de { -brand }-server: uw naam en contactgegevens, uw sleutels en back-ups, en elke notitie die u schreef, met de kopieën die uw zorgverlener kon lezen. Dit apparaat vergeet uw login en uw sleutel. Niets kan ze terugbrengen.
account-delete-button = Mijn account verwijderen
patients-title = Uw patiënten
patients-hint = Een patiënt die u aanwijst, wacht hier tot u aanvaardt: tot dan wordt niets van hem of haar met u gedeeld, en krijgt hij of zij niets van u. De naam en het contact zijn wat de patiënt zelf typte: zorg dat u de persoon kent voor u aanvaardt.
patients-empty = Nog geen enkele patiënt heeft u aangewezen. Nodig ze hieronder uit, of geef ze uw { -brand }-ID hierboven.
invite-title = Een patiënt uitnodigen
invite-hint = Een uitnodiging opent { -brand } met u al gekozen, en wie zich ermee registreert, is meteen uw patiënt, zonder uw antwoord: toon ze alleen aan de patiënten voor wie ze bedoeld is. De code werkt voor het aantal patiënten en de tijd die u kiest, en u kunt ze intrekken.
invite-uses-label = Aantal patiënten
invite-minutes-label = Geldig gedurende
invite-submit = Een uitnodiging maken
invite-shown-text = Laat uw patiënt deze code scannen met de telefoon, of stuur de link.
invite-qr =
    .aria-label = QR-code van de uitnodiging
invite-copy = Link kopiëren
invite-copy-app = App-link kopiëren
invite-withdraw = Intrekken
invitations-title = Uitnodigingen die nog werken
notes-title = Notities
note-label = Nieuwe notitie
note-hint = Op dit apparaat versleuteld voor u en uw zorgverlener. De server bewaart ze onleesbaar.
note-submit = Notitie opslaan
notes-empty = Nog geen notities.
preferences-title = Voorkeuren
pref-theme-label = Weergave
theme-system = Zoals het systeem
theme-light = Licht
theme-dark = Donker
preferences-hint = Bewaard bij uw account: uw andere apparaten gebruiken het ook.
log-out = Uitloggen
inbox-hint = De ingebouwde server verstuurt geen berichten: ze komen hier terecht, zoals ze op de telefoon of in de mailbox zouden aankomen waarvoor ze bedoeld waren.
inbox-empty = Nog geen berichten.
settings-title = Server
server-url-label = Zelfstandige { -brand }-server
settings-save = Deze server gebruiken
settings-embedded = De ingebouwde server gebruiken
about-title = Over { -brand }
about-hint = Als er iets misgaat, kopieer dan de diagnose en plak die in uw bericht aan de ondersteuning. Ze bevat de versie van de app, uw systeem, het adres van de server, de laatste fouten en waar het logbestand staat; nooit uw codes, uw sessie of uw contactgegevens.
diagnostics-copy = Diagnose kopiëren
licences-open = Licenties
diagnostics-label = Diagnose
licences-title = Licenties
licences-hint = { -brand } is vrije software onder de GNU Affero General Public License, versie 3. Het is gebouwd met de opensourcesoftware hieronder, elk onder een eigen licentie.
proof-title = Bevestig dat u het bent
proof-sent-to = Er wordt een code gestuurd naar het eigen e-mailadres of telefoonnummer van uw account…
proof-submit = Bevestigen

## Zorg: een patiënt en haar zorgverlener

care-status-none = Geen: uw notities zijn alleen van u.
care-status-pending = (wacht tot u aanvaard wordt)
care-status-accepted = (heeft u aanvaard)
care-status-declined = (heeft geweigerd)
care-pending = Uw zorgverlener heeft u nog niet aanvaard. Tot dan worden uw notities alleen voor u bewaard; zodra u aanvaard bent, deelt { -brand } ze met uw zorgverlener.
care-declined = Uw zorgverlener wil u niet volgen in { -brand }. Uw notities worden alleen voor u bewaard. Is dit een vergissing, vraag dan of uw zorgverlener u alsnog aanvaardt.
care-accepted-shared =
    { $count ->
        [one] Uw zorgverlener heeft u aanvaard: { $count } eerdere notitie wordt nu met hem of haar gedeeld.
       *[other] Uw zorgverlener heeft u aanvaard: { $count } eerdere notities worden nu met hem of haar gedeeld.
    }
care-not-accepted = Uw zorgverlener heeft u nog niet aanvaard: uw notities worden alleen voor u bewaard.
clinician-id-needed = Typ de { -brand }-ID van uw zorgverlener.
clinician-changed = Uw zorgverlener is gewijzigd. Hij of zij ziet uw notities zodra u aanvaard bent.
clinician-stop-confirm = Nieuwe notities niet meer delen met mijn zorgverlener
clinician-stopped = U deelt niet meer met een zorgverlener. Wat u vanaf nu schrijft, is alleen van u.

## De patiënten van een zorgverlener

patient-pending = Wacht op uw antwoord
patient-accepted = Aanvaard
patient-declined = Geweigerd
patient-facts =
    { $contact ->
        [none] geen contact opgegeven
       *[other] { $contact }
    } · wees u aan op { $named } · { $notes ->
        [0] geen notities gedeeld
        [one] { $notes } notitie gedeeld
       *[other] { $notes } notities gedeeld
    }
patient-new-key =
    { $count ->
        [one] { $patient } heeft een nieuwe sleutel gemaakt en kan { $count } eigen notitie niet meer openen. Uw apparaat kan ze teruggeven.
       *[other] { $patient } heeft een nieuwe sleutel gemaakt en kan { $count } eigen notities niet meer openen. Uw apparaat kan ze teruggeven.
    }
patient-give-back = De notities teruggeven
patient-accept = Aanvaarden
patient-decline = Weigeren
patient-stop-following = Niet meer volgen
patient-given-back =
    { $count ->
        [one] { $patient } kan { $count } notitie weer openen.
       *[other] { $patient } kan { $count } notities weer openen.
    }
patient-accepted-now = { $patient } is nu uw patiënt: de notities van deze patiënt worden met u gedeeld.
patient-declined-now = { $patient }: er wordt niets nieuws meer met u gedeeld.

## Het mobiele nummer of e-mailadres van het account wijzigen

verify = Verifiëren
send-new-code = Stuur een nieuwe code.
phone-verified = Uw mobiele nummer is geverifieerd: u kunt nu inloggen per sms.
email-changed = Uw e-mailadres is gewijzigd: log er voortaan mee in. Uw vorige adres heeft bericht gekregen, voor het geval u het niet was.

## Waar het account is ingelogd

session-facts =
    Ingelogd op { $created } · laatst gezien op { $seen }{ $place ->
        [none] {""}
       *[other] {" "}· ingelogd in de buurt van { $place }
    }{ $here ->
        [yes] {" "}· dit apparaat
       *[no] {""}
    }
session-end-confirm = { $device } uitloggen
session-ended = Dat apparaat is uitgelogd. Het heeft een nieuwe code nodig om opnieuw in te loggen.
sessions-end-others-confirm = Nu alle andere apparaten uitloggen
sessions-ended =
    { $count ->
        [one] { $count } ander apparaat is uitgelogd.
       *[other] { $count } andere apparaten zijn uitgelogd.
    }

## Startscherm

home-title-guest = Hallo, gast
home-title-named = Hallo, { $person }
home-carried =
    { $count ->
        [one] Wat u als gast deed, staat nu in uw account: { $count } notitie en uw voorkeuren.
       *[other] Wat u als gast deed, staat nu in uw account: { $count } notities en uw voorkeuren.
    }
role-is-clinician = Zorgverlener
role-is-patient = Patiënt
home-id-label-clinician = Uw { -brand }-ID (geef die aan uw patiënten)
none = Geen
clinician-choose = Een zorgverlener kiezen
phone-not-verified = { $phone } (nog niet geverifieerd)
phone-verify = Verifiëren
email-add = Een e-mailadres toevoegen
notes-title-clinician = Notities, van u en van uw patiënten
note-hint-clinician = Op dit apparaat versleuteld voor u alleen. De notities die uw patiënten met u delen, staan hieronder.
note-hint-alone = Op dit apparaat versleuteld voor u alleen. De server bewaart ze onleesbaar.
note-hint-until-accepted = Op dit apparaat versleuteld voor u alleen tot uw zorgverlener u aanvaardt; daarna kan die ze ook lezen. De server bewaart ze onleesbaar.
backup-status =
    { $password ->
        [none] Nog geen back-upwachtwoord: raakt dit apparaat verloren, dan ook uw sleutel.
       *[other] Back-up met wachtwoord opgeslagen op { $password }.
    } { $recovery ->
        [none] Nog geen herstelsleutel.
       *[other] Herstelsleutel gemaakt op { $recovery }.
    }
home-backup-change-again = Back-upwachtwoord wijzigen
notes-need-key = Herstel uw sleutel op dit apparaat om uw notities te lezen.
activity-item =
    { $at }: { $action ->
        [backup_stored-password] back-up met wachtwoord opgeslagen
        [backup_stored-recovery] back-up met herstelsleutel opgeslagen
        [backup_fetched-password] back-up met wachtwoord gedownload
        [backup_fetched-recovery] back-up met herstelsleutel gedownload
        [transfer_offered] sleutel aangeboden aan een nieuw apparaat
        [transfer_taken] sleutel overgenomen door een nieuw apparaat
        [key_registered] nieuwe sleutel geregistreerd
        [key_revoked] sleutel ingetrokken
        [password_tried] back-upwachtwoord geprobeerd
        [password_confirmed] back-upwachtwoord bevestigd
        [password_locked] back-up met wachtwoord vergrendeld na te veel pogingen
       *[other] { $raw }
    } (vanaf { $ip })
id-copied = Uw { -brand }-ID is gekopieerd.
id-selected = Uw { -brand }-ID is geselecteerd: kopieer hem met Ctrl+C.
logged-out = U bent uitgelogd.

## Uitnodigingen

invitation-facts =
    { $count ->
        [one] Ze laat nog { $count } patiënt toe, tot { $until }.
       *[other] Ze laat nog { $count } patiënten toe, tot { $until }.
    }
invitation-listed =
    { $count ->
        [one] Gemaakt om { $made }. Ze laat nog { $count } patiënt toe, tot { $until }.
       *[other] Gemaakt om { $made }. Ze laat nog { $count } patiënten toe, tot { $until }.
    }
invitation-ready = Uw uitnodiging is klaar: laat uw patiënt de code scannen, of stuur de link.
invitation-copied = De uitnodigingslink is gekopieerd.
invitation-selected = De uitnodigingslink is geselecteerd: kopieer hem met Ctrl+C.
invitation-withdrawn = De uitnodiging is ingetrokken: niemand kan zich er nog mee bij u aansluiten.
invited-register = { $clinician } heeft u uitgenodigd. Vul uw gegevens in om uw account aan te maken.
invited-follows = { $clinician } heeft u uitgenodigd en volgt u zodra uw account bestaat.
invitation-for-you = { $clinician } nodigt u uit om uw notities te delen. Als u aanvaardt, is dit voortaan uw zorgverlener, die uw notities ziet, ook de eerdere.
invitation-for-patients = Deze uitnodiging van { $clinician } is voor patiënten; u bent ingelogd als zorgverlener.
invitation-accepted = { $clinician } is nu uw zorgverlener.
invitation-set-aside = De uitnodiging is opzijgezet.
invite-patients =
    { $count ->
        [one] { $count } patiënt
       *[other] { $count } patiënten
    }
invite-minutes-option =
    { $count ->
        [one] { $count } minuut
       *[other] { $count } minuten
    }
invite-hours-option =
    { $count ->
        [one] { $count } uur
       *[other] { $count } uur
    }
invite-days-option =
    { $count ->
        [one] { $count } dag
       *[other] { $count } dagen
    }

## De sleutel van het apparaat, het back-upwachtwoord en de herstelsleutel

key-step-primes = Twee grote priemgetallen zoeken ({ $seconds } s)…
key-step-storing = De privésleutel wordt bewaard in de sleutelbos van deze computer…
key-step-registering = Uw publieke sleutel wordt naar de server gestuurd…
key-step-done = Uw sleutel is klaar.
key-not-registered = Uw sleutel is nog niet geregistreerd: bevestig dat u het bent om af te ronden.
key-ready = Uw versleutelingssleutel is klaar.
backup-step-fetching = Uw back-up wordt opgehaald…
backup-step-deriving = Uw wachtwoord wordt verwerkt (dat gaat met opzet traag): { $seconds } s
backup-step-storing = Opslaan…
backup-step-done = Klaar.
backup-title-change = Uw back-upwachtwoord wijzigen
strength-said =
    { $score ->
        [0] Heel zwak
        [1] Zwak
        [2] Redelijk
        [3] Bijna sterk genoeg
       *[4] Heel sterk
    }{ $acceptable ->
        [yes] {""}
       *[no] : te makkelijk te raden.
    } { $advice }
backup-saved = Uw back-up is opgeslagen.
recovery-set = Uw herstelsleutel is ingesteld.
key-facts =
    Gemaakt op { $made }{ $revoked ->
        [none] { $here ->
            [yes] {" "}· dit apparaat
           *[no] {""}
        }
       *[other] {" "}· ingetrokken op { $revoked }
    }
key-revoke = Intrekken
key-revoke-confirm = Deze sleutel voorgoed intrekken
key-revoked = De sleutel is ingetrokken: er wordt niets nieuws meer voor versleuteld.

## Het advies van zxcvbn over een back-upwachtwoord

strength-StraightRowsOfKeysAreEasyToGuess = Rechte rijen toetsen zijn makkelijk te raden.
strength-ShortKeyboardPatternsAreEasyToGuess = Korte patronen op het toetsenbord zijn makkelijk te raden.
strength-RepeatsLikeAaaAreEasyToGuess = Herhalingen zoals ‘aaa’ zijn makkelijk te raden.
strength-RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess = Herhalingen zoals ‘abcabcabc’ zijn maar iets moeilijker te raden dan ‘abc’.
strength-ThisIsATop10Password = Dit is een van de 10 meest gebruikte wachtwoorden.
strength-ThisIsATop100Password = Dit is een van de 100 meest gebruikte wachtwoorden.
strength-ThisIsACommonPassword = Dit is een heel gebruikelijk wachtwoord.
strength-ThisIsSimilarToACommonlyUsedPassword = Dit lijkt op een veelgebruikt wachtwoord.
strength-SequencesLikeAbcAreEasyToGuess = Reeksen zoals abc of 6543 zijn makkelijk te raden.
strength-RecentYearsAreEasyToGuess = Recente jaartallen zijn makkelijk te raden.
strength-AWordByItselfIsEasyToGuess = Eén woord op zichzelf is makkelijk te raden.
strength-DatesAreOftenEasyToGuess = Datums zijn vaak makkelijk te raden.
strength-NamesAndSurnamesByThemselvesAreEasyToGuess = Voornamen en achternamen op zichzelf zijn makkelijk te raden.
strength-CommonNamesAndSurnamesAreEasyToGuess = Gewone voornamen en achternamen zijn makkelijk te raden.
strength-UseAFewWordsAvoidCommonPhrases = Gebruik een paar woorden en vermijd bekende uitdrukkingen.
strength-NoNeedForSymbolsDigitsOrUppercaseLetters = Symbolen, cijfers of hoofdletters zijn niet nodig.
strength-AddAnotherWordOrTwo = Voeg nog een woord of twee toe. Ongewone woorden zijn beter.
strength-CapitalizationDoesntHelpVeryMuch = Hoofdletters helpen niet veel.
strength-AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase = Alles in hoofdletters is bijna even makkelijk te raden als alles in kleine letters.
strength-ReversedWordsArentMuchHarderToGuess = Achterstevoren geschreven woorden zijn niet veel moeilijker te raden.
strength-PredictableSubstitutionsDontHelpVeryMuch = Voorspelbare vervangingen, zoals @ voor a, helpen niet veel.
strength-UseALongerKeyboardPatternWithMoreTurns = Gebruik een langer toetsenbordpatroon met meer bochten.
strength-AvoidRepeatedWordsAndCharacters = Vermijd herhaalde woorden en tekens.
strength-AvoidSequences = Vermijd reeksen.
strength-AvoidRecentYears = Vermijd recente jaartallen.
strength-AvoidYearsThatAreAssociatedWithYou = Vermijd jaartallen die met u te maken hebben.
strength-AvoidDatesAndYearsThatAreAssociatedWithYou = Vermijd datums en jaartallen die met u te maken hebben.

## Notities

notes-group =
    { $author ->
        [you] U
       *[other] { $author }
    } · { $count ->
        [one] { $count } notitie
       *[other] { $count } notities
    }
note-author =
    { $author ->
        [you] U
       *[other] Van { $author }
    }
note-unreadable = Versleuteld voor een sleutel die dit apparaat niet heeft.
note-empty = Schrijf eerst iets.
note-saved = Uw notitie is versleuteld opgeslagen.

## Het account: naam, verwijderen, downloaden

name-changed = Uw naam is nu { $person }.
account-delete-confirm = Mijn account en al mijn notities voorgoed verwijderen
account-deleted = Uw account is verwijderd, met uw sleutels, back-ups en notities. Dit apparaat bewaart er niets meer van.
export-nothing-saved = Er is niets opgeslagen.
export-saved =
    { $count ->
        [one] { $count } notitie en de rest opgeslagen: { $html } (om te lezen) en { $json }.
       *[other] { $count } notities en de rest opgeslagen: { $html } (om te lezen) en { $json }.
    }{ $opened ->
        [no] {" "}Dit apparaat heeft geen sleutel voor uw account, dus de notities staan er zonder hun tekst in.
       *[yes] {""}
    }
export-saved-announce = Uw gegevens zijn opgeslagen waar u koos.

## Bevestigen dat het de eigenaar van het account is

proof-sent = Bevestig eerst dat u het bent, om uw account te beschermen: we hebben een code van { $length } cijfers gestuurd naar { $login }.
proof-new-code = Hier is een nieuwe code.

## De sleutel herstellen

restore-make-new = Een nieuwe sleutel maken
file-unreadable = Het bestand kon niet gelezen worden.
restore-new-tick = Vink eerst ‘Ik begrijp het’ aan: een nieuwe sleutel kan niet lezen wat voor de oude versleuteld is.
restore-tries = { $tries ->
        [0] Te veel verkeerde wachtwoorden: de back-up met wachtwoord is vergrendeld. Herstel met uw herstelsleutel of vanaf een ander apparaat van u.
        [one] De server staat nog 1 poging met dit wachtwoord toe. Daarna vergrendelt de back-up met wachtwoord, en kan alleen uw herstelsleutel of een ander apparaat van u uw sleutel terughalen.
       *[other] De server staat nog { $tries } pogingen met dit wachtwoord toe. Daarna vergrendelt de back-up met wachtwoord, en kan alleen uw herstelsleutel of een ander apparaat van u uw sleutel terughalen.
    }
restore-choose-file = Kies eerst het back-upbestand.
restore-done = Uw sleutel is hersteld op dit apparaat.

## Instellingen, over, updates

appearance-saved = Weergave opgeslagen.
server-embedded = De ingebouwde server op { $url } wordt gebruikt.
server-environment = { $url } wordt gebruikt, ingesteld door CAREKEY_SERVER_URL.
server-chosen = { $url } wordt gebruikt.
server-locked = Verwijder CAREKEY_SERVER_URL om hier de server te kiezen.
about-version = Versie { $version }.
diagnostics-copied = Gekopieerd. Plak de diagnose in uw bericht aan de ondersteuning.
diagnostics-not-copied = Het klembord is niet bereikbaar: selecteer de tekst hieronder en kopieer hem.
licences-frame = De licenties van de software in { -brand }
update-ready-app = { -brand } { $version } is klaar om te installeren. { -brand } herstart om het te installeren; niets wat u hebt opgeslagen, gaat verloren.
update-ready-system = { -brand } { $version } is klaar om te installeren. Het updateprogramma van uw systeem biedt het aan, of voer uit: sudo apt install --only-upgrade carekey
update-installed = { -brand } { $version } is geïnstalleerd. Sluit { -brand } en open het opnieuw om het te gebruiken.
update-downloading = De update wordt gedownload en gecontroleerd…

## Opstarten en links

server-lost = { -brand } kan de server nu niet bereiken. Het blijft het proberen.
server-back = { -brand } bereikt de server weer.
link-unusable = Deze link kon niet gebruikt worden.
link-logged-in = U bent ingelogd met de link uit uw bericht.

## De sleutel naar een nieuw apparaat sturen, en het back-upbestand

transfer-expired = De overdrachtscode is verlopen. Maak een nieuwe als u die nog nodig hebt.
transfer-intro = Log op uw nieuwe apparaat in, kies ‘Mijn andere apparaat, dat de sleutel heeft’ en plak deze code (of scan hem). Hij werkt één keer, nog { $left }.
transfer-copied = De overdrachtscode is gekopieerd.
transfer-selected = De overdrachtscode is geselecteerd: kopieer hem met Ctrl+C.
export-saved-to = Opgeslagen in { $path }
export-file-saved = Uw back-upbestand is opgeslagen in { $path }.

## Inloggen met WhatsApp

whatsapp-send-to = Of stuur dit bericht naar { $number } op WhatsApp:
whatsapp-expiry = Het bericht werkt tot { $until }.
whatsapp-too-late = Het bericht is niet op tijd verstuurd. Ga terug en begin opnieuw.
whatsapp-sender = Uw bericht kwam binnen van het WhatsApp-nummer { $number }. Is dat uw nummer?
whatsapp-sender-announce = Bericht ontvangen van { $number }. Bevestig dat het uw nummer is.
whatsapp-replied = We hebben geantwoord op WhatsApp ({ $number }). Tik daar op de link, of typ hier de code van { $length } cijfers. Hij werkt tot { $until }.
whatsapp-not-yours = Het bericht kwam van een nummer dat niet van u is, dus er is niemand ingelogd. Begin opnieuw en stuur het bericht vanaf uw eigen WhatsApp.

## De testinbox

inbox-to =
    { $channel ->
        [sms] Sms aan { $to }
       *[email] E-mail aan { $to }
    }
backup-skipped = Geen back-up ingesteld. U kunt er een instellen vanaf het startscherm.

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
error-verifier_mismatch = Deze login is op een ander apparaat begonnen. Begin opnieuw op dit apparaat.
error-invalid_clinician = Dit is niet de { -brand }-ID van een geregistreerde zorgverlener. Controleer hem bij uw zorgverlener.
error-invalid_token = Uw sessie is beëindigd. Log opnieuw in.
error-token_reused = Uw sessie werd op twee plaatsen tegelijk gebruikt en is daarom beëindigd om uw account te beschermen. Log opnieuw in.
error-session_revoked = U bent uitgelogd, vanaf een ander apparaat van u of omdat een wijziging van uw login werd gemeld als niet van u. Log opnieuw in.
error-session_ended = Uw sessie is beëindigd. Log opnieuw in.
error-contact_taken = Dit e-mailadres of telefoonnummer wordt al gebruikt om in te loggen op een ander account.
error-not_found = Dit bestaat niet meer. Misschien is het op een ander apparaat verwijderd.
error-invalid_link = Deze link is beschadigd of komt niet van { -brand }. Gebruik de volledige link uit het bericht, of vraag een nieuwe code.
error-approval_pending = De login is nog niet goedgekeurd.
error-whatsapp_pending = Het WhatsApp-bericht is nog niet aangekomen.
error-no_backup = Uw account heeft geen back-up van die soort.
error-version_conflict = Uw back-up is op een ander apparaat gewijzigd. Probeer het opnieuw.
error-unknown_transfer = Deze overdrachtscode is onbekend of al gebruikt. Maak een nieuwe op het apparaat dat uw sleutel heeft.
error-transfer_expired = Deze overdrachtscode heeft te lang gewacht en is verwijderd. Maak een nieuwe op het apparaat dat uw sleutel heeft.
error-invalid_invitation = Deze uitnodigingslink werkt niet. Controleer of de hele link gekopieerd is, of typ de { -brand }-ID van uw zorgverlener.
error-invitation_ended = Deze uitnodiging is verlopen, al gebruikt of ingetrokken. Vraag uw zorgverlener om een nieuwe, of typ de { -brand }-ID van uw zorgverlener.
error-unavailable = De server kan nu niet antwoorden. Probeer het zo opnieuw.
error-request_timeout = Het verzoek duurde te lang. Probeer het opnieuw.
error-fresh_proof_required = Bevestig eerst dat u het bent, met een code die naar het e-mailadres of telefoonnummer van uw account wordt gestuurd, om deze wijziging te maken.
error-quota_exceeded = Uw account heeft zijn opslaglimiet bereikt. Verwijder eerst iets.
error-account_disabled = Dit account is uitgeschakeld door de beheerders van deze { -brand }-server. Vraag het uw praktijk of ziekenhuis.
error-internal_error = Er is iets misgegaan op de server. Probeer het opnieuw.
error-unreachable = De { -brand }-server is niet bereikbaar. Controleer de verbinding en probeer het opnieuw.
error-bad_answer = Het antwoord van de server was onbegrijpelijk. Probeer het later opnieuw.
error-no_pending_login = Er is geen login bezig. Begin opnieuw.
error-not_logged_in = U bent niet ingelogd.
error-crypto_failed = De versleutelingssleutel kon niet gemaakt of gelezen worden. Probeer het opnieuw.
error-storage_failed = { -brand } kon een bestand dat het nodig heeft niet lezen of schrijven. Controleer de map en de vrije ruimte en probeer het opnieuw.
error-not_a_backup = Dit is geen back-up van een { -brand }-sleutel.
error-backup_too_new = Deze back-up is gemaakt door een nieuwere { -brand }. Werk eerst de app bij.
error-wrong_backup_kind = Dit is niet de juiste soort back-up hiervoor.
error-backup_parameters = De beveiliging van deze back-up is er geen die { -brand } aanvaardt.
error-backup_wrong_owner = Deze back-up hoort bij een ander account.
error-wrong_secret = Het wachtwoord of de sleutel klopt niet, of de back-up is gewijzigd.
error-backup_damaged = Deze back-up is beschadigd.
error-malformed_recovery_key = Een herstelsleutel bestaat uit 52 letters en cijfers (13 groepen van 4). Controleer wat u typte.
error-malformed_transfer_code = Dit is geen { -brand }-overdrachtscode. Kopieer hem opnieuw van het andere apparaat.
error-weak_password = Dit wachtwoord is te makkelijk te raden. Gebruik vier of meer woorden die niets met elkaar te maken hebben, of een lange zin die alleen u zou bedenken.
error-no_key = Dit apparaat heeft nog geen sleutel voor dit account.
error-foreign_link = Dit is geen { -brand }-link.
error-not_a_login_link = Deze { -brand }-link is een uitnodiging van een zorgverlener, geen login.
error-link_not_for_this_device = Deze link hoort bij een login die op een ander apparaat begon, of die al afgelopen is. Vraag een nieuwe code op dit apparaat.
error-has_key = Dit apparaat heeft al een sleutel voor dit account.
error-captcha_cancelled = De controle is niet afgemaakt. Probeer het opnieuw.
error-server_unavailable = De ingebouwde server kon niet starten. Controleer of de gegevensmap van de app beschrijfbaar is.
error-passwords_differ = De twee wachtwoorden zijn niet gelijk. Typ ze opnieuw.
error-server_locked = De server is ingesteld door CAREKEY_SERVER_URL. Verwijder die variabele om hem hier te wijzigen.
error-invalid_server_url = Geef het adres van de server, bijvoorbeeld https://carekey.example.org.
error-invitation_forgotten = De uitnodiging is niet meer geopend in { -brand }. Open de link opnieuw, of typ de { -brand }-ID van uw zorgverlener.
error-no_update = Er is geen update om te installeren.
error-update_failed = De update kon niet gedownload of geïnstalleerd worden. Er is niets veranderd; { -brand } kijkt later opnieuw.
error-update_by_system = Het updateprogramma van uw systeem installeert de updates van { -brand }.
error-update_waits = Maak eerst af waar u mee bezig bent (of ga terug); de update blijft klaarstaan.
error-name_needed = Geef een voornaam en een achternaam.
error-no_server_there = Op dat adres antwoordt geen { -brand }-server. Controleer het adres en de verbinding.
error-invalid_request = { -brand } stuurde iets wat de server niet kan aanvaarden. Controleer wat u hebt ingevuld en probeer het opnieuw; gebeurt het weer, werk { -brand } dan bij.
error-invalid_recipient = Wie deze notitie kan lezen, is intussen veranderd (een sleutel toegevoegd of verwijderd, of een andere zorgverlener). Probeer het opnieuw.
error-invalid_name = Een naam telt hoogstens 100 tekens, zonder tabs of regeleinden.
error-file_needed = Kies eerst het back-upbestand.
error-backup_locked = Uw back-upwachtwoord is te vaak geprobeerd, dus de back-up met wachtwoord is vergrendeld. Herstel met uw herstelsleutel of vanaf een ander apparaat van u, en maak daarna een nieuwe back-up met wachtwoord.
error-backup_key_lost = De server kan uw back-upwachtwoord niet meer controleren (de sleutel ervan is verloren). Herstel met uw herstelsleutel of vanaf een ander apparaat van u.
error-wrong_backup_password = { $attemptsLeft ->
        [0] Dit wachtwoord klopt niet, en dat was de laatste poging: de back-up met wachtwoord is nu vergrendeld. Herstel met uw herstelsleutel of vanaf een ander apparaat van u.
        [one] Dit wachtwoord klopt niet. Nog 1 poging voordat de back-up met wachtwoord vergrendelt.
       *[other] Dit wachtwoord klopt niet. Nog { $attemptsLeft } pogingen voordat de back-up met wachtwoord vergrendelt.
    }
error-oprf_unverified = Het antwoord van de server op de wachtwoordcontrole kon niet worden geverifieerd, dus er is niets mee geprobeerd. Probeer het later opnieuw; blijft het gebeuren, meld het dan aan de beheerders van uw { -brand }-server.
error-contact_needed = Geef een e-mailadres of een telefoonnummer.
error-note_length = Een notitie telt 1 tot 4.000 tekens.
error-own_key = Dit is de eigen sleutel van dit apparaat. Trek hem in vanaf een ander apparaat van u.
error-patients_remain = { $patients ->
        [0] Er zijn nog patiënten die u als hun zorgverlener hebben gekozen, dus uw account kan nog niet worden verwijderd: zij zouden dan zonder zorgverlener zitten.
        [one] Er is nog { $patients } patiënt die u als zorgverlener heeft gekozen, dus uw account kan nog niet worden verwijderd: die patiënt zou dan zonder zorgverlener zitten.
       *[other] Er zijn nog { $patients } patiënten die u als hun zorgverlener hebben gekozen, dus uw account kan nog niet worden verwijderd: zij zouden dan zonder zorgverlener zitten.
    } Vraag de beheerders van uw { -brand }-server hen aan een andere zorgverlener toe te wijzen, of vraag uw patiënten eerst in de app een andere zorgverlener te kiezen.
