# L'application CareKey : ce que disent ses écrans, en français. Mêmes
# messages, attributs et variables que le catalogue anglais.

-brand = CareKey

## Le démarrage

loading-title = Démarrage de { -brand }…
start-failed-title = { -brand } ne peut pas démarrer
try-again = Réessayer
back = Retour
close = Fermer
settings-open = Réglages

## Bienvenue

welcome-title = Bienvenue dans { -brand }
welcome-lead = Connectez-vous avec un code envoyé à votre adresse e-mail ou à votre téléphone. Aucun mot de passe à retenir.
choose-register = Créer un compte
choose-login = Se connecter
choose-guest = Essayer { -brand } sans compte

## S'inscrire ou se connecter

contact-title-register = Créer votre compte
contact-title-login = Se connecter
via-legend = M'envoyer le code par
via-email = E-mail
via-phone = SMS
email-label = Adresse e-mail
phone-label = Numéro de mobile
phone-label-optional = Numéro de mobile (facultatif si vous donnez une adresse e-mail)
country =
    .aria-label = Pays
country-other = Autre (tapez le numéro avec +)
phone-hint = Choisissez votre pays, puis tapez votre numéro comme vous le composeriez chez vous. Un numéro qui commence par + fonctionne pour tous les pays.
both-hint = Donnez une adresse e-mail, un numéro de mobile, ou les deux : vous pourrez ensuite vous connecter avec l'un ou l'autre. Avec les deux, ce premier code part par e-mail.
first-name-label = Prénom
last-name-label = Nom
role-legend = Je suis
role-patient = Patient ou patiente
role-clinician = Soignant ou soignante
clinician-id-label = L'identifiant { -brand } de votre soignant
clinician-invited-drop = Taper un identifiant à la place
clinician-hint = Votre soignant le trouve sur son écran d'accueil { -brand }. Il pourra lire ce que vous partagez avec lui.
contact-submit = Envoyer le code
whatsapp-register = S'inscrire avec WhatsApp
whatsapp-login = Se connecter avec WhatsApp
captcha-opens = Une courte vérification qu'une personne fait la demande s'ouvre dans une nouvelle fenêtre.

## Le code

code-title = Saisissez votre code
code-label = Code
code-sent-to = Nous avons envoyé un code à { $length } chiffres à { $login }. Il est valable jusqu'à { $until }.
code-input =
    .aria-label = Code à { $length } chiffres
code-submit = Continuer
resend = Renvoyer le code
resend-in = Renvoyer le code dans { $seconds } s
code-restart = Utiliser une autre adresse e-mail ou un autre téléphone
code-start-again = Recommencer
code-expires-in = Le code expire dans { $seconds } s.
code-expired = Ce code a expiré. Recommencez pour en recevoir un nouveau.
code-match-before = Vous lisez le message sur un autre appareil ? Ouvrez-y son lien et tapez
code-match-after = quand il demande le nombre de cet appareil : cet écran continuera tout seul.
code-waiting = En attente d'une approbation depuis votre autre appareil.
code-type-digits = Tapez les { $length } chiffres du code.
code-resent = Un nouveau code a été envoyé à { $login }. Le précédent ne fonctionne plus.
approved-elsewhere = Approuvé depuis votre autre appareil : la connexion est établie.
server-unreachable-retrying = Le serveur est injoignable pour le moment. Nouvel essai dans { $seconds } s ; rien n'est perdu en attendant.

## Réglages : la langue

settings-language = Langue
settings-language-hint = Les écrans de l'application, et les messages que { -brand } vous envoie, sont dans cette langue.
language-saved = Langue enregistrée.

## Erreurs : la phrase de chaque code d'erreur que l'application connaît.

error-internal = Un problème est survenu dans { -brand }. Veuillez réessayer.
error-no_backend = La fenêtre de { -brand } est ouverte en dehors de l'application.
error-invalid_email = Cette adresse e-mail n'est pas valide.
error-invalid_phone = Ce numéro de téléphone n'est pas valide. Choisissez votre pays, ou écrivez-le avec + et l'indicatif du pays.
error-invalid_code =
    { $attemptsLeft ->
        [0] Ce code n'est pas le bon.
        [one] Ce code n'est pas le bon. Il reste { $attemptsLeft } essai.
       *[other] Ce code n'est pas le bon. Il reste { $attemptsLeft } essais.
    }
error-code_expired = Ce code a expiré. Recommencez pour en recevoir un nouveau.
error-code_used = Ce code a déjà été utilisé. Recommencez pour en recevoir un nouveau.
error-too_many_attempts = Trop de codes erronés. Recommencez plus tard.
error-rate_limited =
    { $retryAfter ->
        [0] Trop de demandes. Patientez un instant, puis réessayez.
       *[other] Trop de demandes. Réessayez dans { $retryAfter } s.
    }
error-unknown_request = Cette demande de connexion est inconnue ou terminée. Recommencez.
error-captcha_failed = La vérification captcha a échoué. Réessayez.
error-channel_unavailable = Ce serveur ne peut pas envoyer de messages de cette façon. Choisissez-en une autre.
error-keychain_unavailable = Le trousseau du système est verrouillé ou indisponible. Déverrouillez-le (ou installez gnome-keyring) et réessayez.
