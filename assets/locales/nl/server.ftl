# De server van CareKey: de berichten die hij verstuurt en de pagina's die hij
# toont, in het Nederlands. Dezelfde berichten, attributen en variabelen als
# de Engelse catalogus. In sms'en en meldingen (die ook per sms gaan) geen
# tekens buiten de GSM-7-tekenset (geen ë of ï), anders wordt de sms half zo lang.

## Gedeelde stukken

-brand = CareKey
date-time =
    { $day } { $month ->
        [1] jan.
        [2] feb.
        [3] mrt.
        [4] apr.
        [5] mei
        [6] jun.
        [7] jul.
        [8] aug.
        [9] sep.
        [10] okt.
        [11] nov.
       *[12] dec.
    } { $year } om { $time } UTC

## Eenmalige codes

code-email =
    Hallo,

    Uw { -brand }-code is { $code }

    U kunt ook deze link openen op het toestel waarop u de code hebt aangevraagd: { $link }

    De code is { $minutes ->
        [one] 1 minuut
       *[other] { $minutes } minuten
    } geldig, op het toestel waarop u hem hebt aangevraagd.
    Deel hem nooit: niemand van { -brand } of van uw zorgteam zal u er ooit om vragen.

    Hebt u geen code aangevraagd? Dan kunt u deze e-mail negeren.
    .subject = Uw { -brand }-code: { $code }
code-sms =
    Uw { -brand }-code is { $code }. Hij is { $minutes ->
        [one] 1 minuut
       *[other] { $minutes } minuten
    } geldig. Deel hem met niemand.
    { $link }

    @{ $host } #{ $code }
code-whatsapp = Uw { -brand }-code is { $code }. Hij is { $minutes ->
        [one] 1 minuut
       *[other] { $minutes } minuten
    } geldig. Deel hem met niemand.
code-whatsapp-chat =
    Tik om in te loggen bij { -brand }:
    { $link }

    Of typ deze code in de app: { $code }
    Hij is { $minutes ->
        [one] 1 minuut
       *[other] { $minutes } minuten
    } geldig. Deel hem met niemand. Hebt u niet gevraagd om in te loggen? Negeer dan dit bericht.

## Iemand vroeg een code aan voor een adres dat geen account gebruikt

no-account-email =
    Hallo,

    Iemand probeerde in te loggen bij { -brand } met dit adres, maar geen enkel account gebruikt het.
    Was u dat? Open dan { -brand } en kies "Account aanmaken".

    Was u het niet? Dan kunt u deze e-mail negeren.
    .subject = { -brand }: geen account gebruikt dit adres
no-account-sms = Iemand probeerde in te loggen bij { -brand } met dit nummer, maar geen enkel account gebruikt het. Was u dat? Open dan { -brand } en kies Account aanmaken.
no-account-whatsapp-chat = Nog geen enkel { -brand }-account gebruikt dit WhatsApp-nummer. Om er een aan te maken, opent u { -brand } en kiest u "Account aanmaken" en daarna "Registreren met WhatsApp".

## Het antwoord van de WhatsApp-chat op een bericht waar hij niets mee kan

help-whatsapp-chat = Hallo, hier is { -brand }. Om in te loggen opent u de { -brand }-app, kiest u "Inloggen met WhatsApp" en verstuurt u het bericht dat de app klaarzet, zonder het te wijzigen. Het bericht is maar enkele minuten geldig; is het verlopen, begin dan opnieuw in de app.

# Het bericht dat de app klaarzet voor het WhatsApp-nummer van CareKey,
# vóór de referentie.
whatsapp-prepared = Verzoek om in te loggen, authenticeer mij.

## Veiligheidsmeldingen: { $notice } is een van de notice-zinnen hieronder

notice-email =
    Hallo,

    { $notice }

    Was u dat zelf? Dan hoeft u niets te doen.
    Was u het niet? Open { -brand }, log in, controleer de sleutels en het telefoonnummer van uw account, en laat het uw praktijk weten.
    .subject = { -brand }: een wijziging aan uw account
notice-sms = { -brand }: { $notice } Was u het niet? Open { -brand } en controleer uw account.
notice-key-added = Er is een nieuwe versleutelingssleutel (vingerafdruk { $fingerprint }) aan uw account toegevoegd. Gegevens die vanaf nu met u gedeeld worden, zijn daarmee leesbaar.
notice-key-revoked = De versleutelingssleutel met vingerafdruk { $fingerprint } is op uw account ingetrokken.
notice-backup-locked = Uw back-upwachtwoord is 10 keer na elkaar zonder succes geprobeerd, dus uw back-up met wachtwoord is vergrendeld: hij kan niet meer worden geprobeerd. Uw herstelsleutel of een ander apparaat van u haalt uw sleutel nog steeds terug; stel daarna een nieuw back-upwachtwoord in.
notice-contact-taken =
    { $kind ->
        [email] Iemand probeerde dit e-mailadres aan een ander { -brand }-account toe te voegen. Het is niet toegevoegd en uw account is niet gewijzigd.
       *[phone] Iemand probeerde dit nummer aan een ander { -brand }-account toe te voegen. Het is niet toegevoegd en uw account is niet gewijzigd.
    }
notice-login-changed =
    { $kind ->
        [email] Het e-mailadres { $address } is nu het login-e-mailadres van uw { -brand }-account.
       *[phone] Het telefoonnummer { $address } is nu het loginnummer van uw { -brand }-account.
    }

## Een login is gewijzigd: naar de vorige adressen, met de link "dit was ik niet"

changed-email =
    Hallo,

    { $notice }

    Was u dat zelf? Dan hoeft u niets te doen.

    Was u het niet? Open dan binnen 7 dagen deze link. Hij logt elk toestel uit uw account uit en zet uw vorige login terug, zodat u opnieuw kunt inloggen en niemand anders:
    { $link }

    Log daarna in, controleer de sleutels en toestellen van uw account, en laat het uw praktijk weten.
    .subject = { -brand }: de login van uw account is gewijzigd
changed-sms = { -brand }: { $notice } Was u het niet? Open { $link } om elk toestel uit te loggen en uw login terug te krijgen.

## Het account is door de eigenaar verwijderd

deleted-email =
    Hallo,

    Uw { -brand }-account is verwijderd, met zijn sleutels, back-ups en notities, zoals gevraagd vanaf een toestel dat erop was ingelogd. De server bewaart er niets van, en met dit adres kunt u niet meer inloggen bij { -brand }.

    Hebt u dit niet gevraagd? Laat het dan uw praktijk weten: iemand had toegang tot uw toestel of uw sessie.
    .subject = { -brand }: uw account is verwijderd
deleted-sms = { -brand }: uw account is verwijderd, met zijn sleutels, back-ups en notities. Met dit nummer kunt u niet meer inloggen. Was u het niet? Laat het uw praktijk weten.

## De pagina van een inloglink

landing =
    Deze pagina openen logt u niet in. De link en de code werken alleen in de { -brand }-app op het toestel waarop u ze hebt aangevraagd, maar één keer en maar enkele minuten.
    .title = Inloggen bij { -brand }
landing-open = { -brand } openen
landing-type-code = Of typ deze code in { -brand }:
landing-asked-title = Aangevraagd op een ander toestel?
landing-asked = Onze server ontving deze inlogaanvraag op { $at }, vanaf het netwerkadres { $ip }. Het toestel dat de aanvraag deed, noemt zichzelf ‘{ $device }’: die naam is wat het toestel zelf beweert, en iedereen kan hem intypen.
landing-asked-number = Hebt u de aanvraag op een ander toestel gedaan? Dan toont dat toestel een getal. Typ het hier om goed te keuren, en dat toestel logt in. Op dit toestel logt niets in.
landing-number-label = Het getal dat uw andere toestel toont
landing-approve = Goedkeuren
landing-not-asked = Hebt u dit niet aangevraagd, of toont geen van uw toestellen een getal? Doe dan niets: de aanvraag vervalt vanzelf. Niemand van { -brand } of van uw praktijk zal u ooit om dit getal of deze code vragen.
landing-ended = Hij is al gebruikt, vervangen door een nieuwere code, of verlopen. Open { -brand } en vraag een nieuwe code aan.
    .title = Deze link werkt niet meer
landing-malformed = Controleer of de hele link gekopieerd is, of open { -brand } en vraag een nieuwe code aan.
    .title = Dit is geen { -brand }-link
approval-refused = Dat is niet het getal dat het aanvragende toestel toont, dus er is niets goedgekeurd.
    .title = Niet goedgekeurd
approval-refused-hint = Hebt u deze login niet zelf gestart? Dan heeft iemand anders dat misschien gedaan: doe niets, en hij vervalt vanzelf. Was u het wel? Open de link opnieuw en typ het getal dat uw andere toestel toont.
approval-done = Het aanvragende toestel logt nu in. U kunt deze pagina sluiten.
    .title = Goedgekeurd
approval-done-hint = Op dit toestel is niets ingelogd.

## De pagina van een link "dit was ik niet"

not-me = Iemand heeft gewijzigd hoe u inlogt bij uw { -brand }-account. Was u het niet? Druk dan op de knop. Elk toestel dat op uw account is ingelogd, wordt meteen uitgelogd, en uw vorige login komt terug, zodat u opnieuw kunt inloggen en die persoon niet.
    .title = Was u dit niet?
not-me-button = Dit was ik niet: beveilig mijn account
not-me-hint = Hebt u de wijziging zelf gedaan? Sluit dan deze pagina: er gebeurt niets.
not-me-done = Elk toestel dat op uw account was ingelogd, is uitgelogd.
    .title = Uw account is beveiligd
not-me-restored =
    { $kind ->
        [email] Uw vorige login-e-mailadres is opnieuw de login van het account: log ermee in in { -brand }.
       *[phone] Uw vorige loginnummer is opnieuw de login van het account: log ermee in in { -brand }.
    }
not-me-not-restored =
    { $kind ->
        [email] Het login-e-mailadres kon niet worden teruggezet (het is opnieuw gewijzigd, of een ander account gebruikt het nu): vraag uw praktijk om u te helpen uw account terug te krijgen.
       *[phone] Het loginnummer kon niet worden teruggezet (het is opnieuw gewijzigd, of een ander account gebruikt het nu): vraag uw praktijk om u te helpen uw account terug te krijgen.
    }
not-me-done-hint = Controleer daarna de toestellen en sleutels van uw account in { -brand }, en vertel uw praktijk wat er gebeurd is.
not-me-ended = Hij is al gebruikt, of hij is meer dan 7 dagen oud. Heeft iemand anders uw { -brand }-login gewijzigd? Laat het uw praktijk weten: zij kunnen u helpen uw account terug te krijgen.
    .title = Deze link werkt niet meer
not-me-malformed = Controleer of de hele link uit het bericht gekopieerd is.
    .title = Dit is geen werkende { -brand }-link

## De pagina van een uitnodiging

invitation = { $name } nodigt u uit om uw gezondheidsnotities via { -brand } met hem of haar te delen. Registreer u in de app via deze uitnodiging, en { $name } volgt u meteen.
    .title = U bent uitgenodigd voor { -brand }
invitation-hint = Ze werkt tot { $until }, voor de mensen aan wie { $name } ze gegeven heeft. Zonder de link van de app: registreer u in { -brand } en typ deze { -brand }-ID als uw zorgverlener: { $id } ({ $name } aanvaardt u dan).
invitation-ended = Ze is verlopen, al gebruikt of ingetrokken. Vraag uw zorgverlener om een nieuwe, of registreer u in { -brand } en typ zijn of haar { -brand }-ID.
    .title = Deze uitnodiging werkt niet meer
invitation-malformed = Controleer of de hele link gekopieerd is, of vraag uw zorgverlener om een nieuwe.
    .title = Dit is geen werkende { -brand }-uitnodiging
page-unavailable = Probeer het zo meteen opnieuw.
    .title = { -brand } kan nu niet antwoorden
