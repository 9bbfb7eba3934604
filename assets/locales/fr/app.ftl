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
both-hint = Donnez une adresse e-mail, un numéro de mobile, ou les deux : vous pourrez ensuite vous connecter avec l'un ou l'autre. Avec les deux, ce premier code part par e-mail.
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
code-match-before = Vous lisez le message sur un autre appareil ? Ouvrez-y son lien et tapez
code-match-after = quand il demande le nombre de cet appareil : cet écran continuera tout seul.
code-waiting = En attente d'une approbation depuis votre autre appareil.
code-type-digits = Tapez les { $length } chiffres du code.
code-resent = Un nouveau code a été envoyé à { $login }. Le précédent ne fonctionne plus.
approved-elsewhere = Approuvé depuis votre autre appareil : la connexion est établie.
server-unreachable-retrying = Le serveur est injoignable pour le moment. Nouvel essai dans { $seconds } s ; rien n'est perdu en attendant.

## Les autres écrans (ui/index.html)

app-nav =
    .aria-label = Application
dev-inbox = Boîte de réception de test
update-install = Installer et redémarrer
whatsapp-lead = Scannez ce code avec l'appareil photo de votre téléphone : WhatsApp s'ouvre avec un message pour { -brand } déjà prêt. Envoyez-le sans le modifier, et { -brand } vous répond avec votre lien de connexion.
whatsapp-qr =
    .aria-label = Code QR du message WhatsApp à envoyer
whatsapp-status = En attente de votre message…
whatsapp-sender-yes = Oui, c'est mon numéro
whatsapp-sender-no = Non, ce n'est pas le mien
keys-title = Création de votre clé de chiffrement
keys-lead = { -brand } crée sur cet appareil une clé qui n'appartient qu'à vous. Elle protège ce que vous partagez avec votre équipe soignante. Cela prend un moment.
keys-progress =
    .aria-valuetext = Démarrage
keys-step = Démarrage…
backup-title = Protégez votre clé par un mot de passe de sauvegarde
backup-lead = Si cet appareil est perdu ou remplacé, ce mot de passe permet de retrouver votre clé sur le nouveau. Le serveur ne garde votre clé que scellée par ce mot de passe : il ne le voit jamais, et personne ne peut le réinitialiser à votre place. Il ne laisse aussi essayer ce mot de passe que 10 fois de suite : ensuite, la sauvegarde par mot de passe se verrouille, et c'est votre clé de secours ou un autre de vos appareils qui rétablit votre clé.
backup-password-label = Mot de passe de sauvegarde
backup-meter =
    .aria-label = Solidité du mot de passe
backup-strength = Utilisez au moins quatre mots sans rapport entre eux, ou une longue phrase qui ne viendrait à l'esprit de personne d'autre que vous.
same-password-label = Le même mot de passe, à nouveau
backup-progress =
    .aria-label = Scellement de votre clé
backup-submit = Enregistrer la sauvegarde
backup-skip = Plus tard
backup-skip-warning-text = Sans sauvegarde, perdre ou remplacer cet appareil, c'est perdre votre clé : ce que vous avez partagé resterait illisible pour vous jusqu'à ce qu'une personne avec qui vous l'avez partagé vous le partage à nouveau. Vous pourrez définir un mot de passe de sauvegarde plus tard depuis l'écran d'accueil.
backup-skip-confirm = Ignorer quand même
backup-skip-cancel = Définir un mot de passe
recovery-title = Votre clé de secours
recovery-lead = Si vous oubliez votre mot de passe de sauvegarde, cette clé de secours restaure votre clé de chiffrement à sa place. Notez-la ou imprimez-la, et gardez-la en lieu sûr, à l'abri des regards. Elle n'est affichée qu'une seule fois.
recovery-qr =
    .aria-label = Code QR de votre clé de secours
continue = Continuer
not-now = Pas maintenant
restore-title = Retrouvez votre clé sur cet appareil
restore-lead = Cet appareil n'a pas encore votre clé de chiffrement. Restaurez-la pour lire ce que vous et votre équipe soignante avez partagé.
restore-with = Restaurer avec
restore-recovery-label = Clé de secours
restore-recovery-hint = 52 lettres et chiffres ; les tirets, les espaces et les majuscules ne comptent pas.
restore-transfer-label = Code de votre autre appareil
restore-transfer-hint = Sur l'appareil qui a votre clé, ouvrez { -brand } et choisissez « Envoyer la clé à un nouvel appareil ». Copiez le code affiché et collez-le ici (sur un téléphone, scannez son code QR). Il ne sert qu'une fois, pendant cinq minutes.
restore-file-label = Fichier de sauvegarde (.carekey)
restore-new-warning = Une nouvelle clé vous permet de partager de nouvelles données depuis cet appareil. Tout ce qui a été chiffré pour votre ancienne clé reste illisible pour vous jusqu'à ce qu'une personne avec qui vous l'avez partagé vous le partage à nouveau ; si vous avez encore un appareil avec l'ancienne clé, utilisez-le plutôt.
restore-progress =
    .aria-label = Ouverture de votre sauvegarde
restore-submit = Restaurer ma clé
restore-later = Plus tard
whatsapp-link-label = Lien pour un téléphone :
recovery-saved = J'ai rangé ma clé de secours en lieu sûr
restore-new-understood = Je comprends
restore-how-password = Mon mot de passe de sauvegarde
restore-how-recovery = Ma clé de secours
restore-how-transfer = Mon autre appareil, qui a la clé
restore-how-file = Un fichier de sauvegarde
restore-how-new = Aucun de ceux-ci : créer une nouvelle clé
home-title = Bonjour
home-offline = Hors ligne : { -brand } ne peut pas joindre le serveur pour le moment ; vous voyez ce que cet appareil savait en dernier. Il réessaie tout seul, et rien n'est perdu en attendant.
home-guest-text = Vous utilisez { -brand } en mode invité, sans compte. Vos notes et vos préférences sont conservées ; quand vous créez un compte ou vous connectez sur cet appareil, elles vous suivent.
home-name-label = Nom
change = Modifier
home-role-label = Connecté en tant que
home-contact-label = Contact
home-phone-label = Numéro de mobile pour la connexion par SMS
phone-open = Ajouter un numéro de mobile
home-id-label = Votre identifiant { -brand }
home-id-copy = Copier
home-clinician-label = L'identifiant { -brand } de votre soignant
clinician-stop = Arrêter le partage
home-fingerprint-label = Clé de chiffrement de cet appareil
invitation-accept = Accepter l'invitation
clinician-title = Choisir votre soignant
clinician-form-hint = Demandez son identifiant { -brand } à votre soignant. Il ne voit rien de vous tant qu'il n'a pas accepté votre demande ; ensuite, cet appareil partage vos notes avec lui, y compris les plus anciennes. Un soignant que vous aviez avant garde ce que vous lui aviez partagé, et ne reçoit plus rien de nouveau.
save = Enregistrer
cancel = Annuler
name-title = Modifier votre nom
phone-title = Se connecter aussi par SMS
email-title = Se connecter avec une autre adresse e-mail
email-new-label = Nouvelle adresse e-mail
email-change-hint = Nous envoyons un code à la nouvelle adresse. Votre adresse actuelle est prévenue du changement, avec un lien pour l'annuler si ce n'était pas vous.
home-no-key-text = Cet appareil n'a pas encore de clé de chiffrement pour votre compte.
home-restore = Restaurer ou créer une clé
home-backup-title = Sauvegarde de la clé
home-backup-change = Définir le mot de passe de sauvegarde
home-recovery-new = Nouvelle clé de secours
home-transfer = Envoyer la clé à un nouvel appareil
home-export = Exporter un fichier de sauvegarde
transfer-qr =
    .aria-label = Code QR du code de transfert
transfer-copy = Copier le code
done = Terminé
export-lead = Le fichier contient votre clé scellée par le mot de passe que vous saisissez ici. Conservez-le ailleurs que sur cet appareil (une clé USB, un autre ordinateur).
export-password-label = Mot de passe du fichier
export-submit = Enregistrer le fichier
account-keys-title = Clés de ce compte
account-keys-hint = Une clé par appareil sur lequel vous en avez créé une. Si vous ne reconnaissez pas une clé, ou si un appareil est perdu, révoquez sa clé : plus rien de nouveau n'est chiffré pour elle, et les appareils de votre soignant et les vôtres cessent de l'utiliser.
account-sessions-title = Vos appareils connectés
account-sessions-hint = Chaque appareil connecté à votre compte, sous le nom qu'il s'est donné. Si vous n'en reconnaissez pas un, ou si un appareil est perdu, déconnectez-le : il lui faudra alors un nouveau code pour se reconnecter.
sessions-end-others = Déconnecter tous les autres appareils
activity-title = Activité de la clé
account-export-title = Télécharger tout le contenu de votre compte
account-export-hint = Votre profil, vos appareils connectés, l'activité de votre clé et toutes les notes que vous avez écrites, déchiffrées sur cet appareil : une page à lire ou à imprimer, et les mêmes données en fichier JSON pour un autre programme. Vous choisissez où va la page ; le fichier JSON est enregistré à côté, sous le même nom.
account-export-button = Télécharger mes données
account-delete-title = Supprimer votre compte
account-delete-hint = Cela supprime définitivement votre compte du serveur { -brand } : votre nom et votre contact, vos clés et vos sauvegardes, et toutes les notes que vous avez écrites, avec les copies que votre soignant pouvait lire. Cet appareil oublie votre connexion et votre clé. Rien ne pourra les faire revenir.
account-delete-button = Supprimer mon compte
patients-title = Vos patients
patients-hint = Un patient qui vous désigne attend ici que vous l'acceptiez : d'ici là, rien de ce qui est à lui ne vous est partagé, et il ne reçoit rien de vous. Le nom et le contact sont ceux qu'il a tapés : assurez-vous de le connaître avant d'accepter.
patients-empty = Aucun patient ne vous a encore désigné. Invitez-les ci-dessous, ou donnez-leur votre identifiant { -brand } ci-dessus.
invite-title = Inviter un patient
invite-hint = Une invitation ouvre { -brand } avec vous déjà choisi, et toute personne qui s'inscrit par elle devient aussitôt votre patient, sans attendre votre réponse : ne la montrez qu'aux patients concernés. Son code vaut pour le nombre de patients et la durée que vous choisissez, et vous pouvez la retirer.
invite-uses-label = Patients admis
invite-minutes-label = Valable pendant
invite-submit = Créer une invitation
invite-shown-text = Faites scanner ce code à votre patient avec son téléphone, ou envoyez-lui le lien.
invite-qr =
    .aria-label = Code QR de l'invitation
invite-copy = Copier le lien
invite-copy-app = Copier le lien de l'application
invite-withdraw = Retirer
invitations-title = Invitations encore valables
notes-title = Notes
note-label = Nouvelle note
note-hint = Chiffrée sur cet appareil pour vous et votre soignant. Le serveur la conserve sous une forme illisible.
note-submit = Enregistrer la note
notes-empty = Aucune note pour l'instant.
preferences-title = Préférences
pref-theme-label = Apparence
theme-system = Comme le système
theme-light = Claire
theme-dark = Sombre
preferences-hint = Conservée avec votre compte : vos autres appareils l'utilisent aussi.
log-out = Se déconnecter
inbox-hint = Le serveur intégré n'envoie pas de messages : ils arrivent ici, comme ils arriveraient sur le téléphone ou dans la boîte mail à laquelle ils étaient destinés.
inbox-empty = Aucun message pour l'instant.
settings-title = Serveur
server-url-label = Serveur { -brand } autonome
settings-save = Utiliser ce serveur
settings-embedded = Utiliser le serveur intégré
about-title = À propos de { -brand }
about-hint = En cas de problème, copiez le diagnostic et collez-le dans votre message à l'assistance. Il contient la version de l'application, votre système, l'adresse du serveur, les dernières erreurs et l'emplacement du journal ; jamais vos codes, votre session ni vos coordonnées.
diagnostics-copy = Copier le diagnostic
licences-open = Licences
diagnostics-label = Diagnostic
licences-title = Licences
licences-hint = { -brand } est un logiciel libre sous licence GNU Affero General Public License, version 3. Il est construit avec les logiciels libres ci-dessous, chacun sous sa propre licence.
proof-title = Confirmez que c'est bien vous
proof-sent-to = Envoi d'un code à l'adresse e-mail ou au téléphone de votre compte…
proof-submit = Confirmer

## Le suivi : une patiente et son soignant

care-status-none = Aucun : vos notes ne sont qu'à vous.
care-status-pending = (attend qu'il vous accepte)
care-status-accepted = (a accepté votre demande)
care-status-declined = (a refusé)
care-pending = Votre soignant n'a pas encore accepté votre demande. D'ici là, vos notes sont gardées pour vous uniquement ; dès qu'il accepte, { -brand } les partage avec lui.
care-declined = Votre soignant a refusé de vous suivre dans { -brand }. Vos notes sont gardées pour vous uniquement. S'il s'agit d'une erreur, demandez-lui de revenir sur sa décision.
care-accepted-shared =
    { $count ->
        [one] Votre soignant a accepté votre demande : { $count } note plus ancienne lui est maintenant partagée.
       *[other] Votre soignant a accepté votre demande : { $count } notes plus anciennes lui sont maintenant partagées.
    }
care-not-accepted = Votre soignant n'a pas encore accepté votre demande : vos notes sont gardées pour vous uniquement.
clinician-id-needed = Tapez l'identifiant { -brand } de votre soignant.
clinician-changed = Votre soignant a changé. Il verra vos notes dès qu'il aura accepté votre demande.
clinician-stop-confirm = Ne plus partager mes nouvelles notes avec mon soignant
clinician-stopped = Vous ne partagez plus rien avec un soignant. Ce que vous écrivez à partir de maintenant n'est qu'à vous.

## Les patients d'un soignant

patient-pending = En attente de votre réponse
patient-accepted = Accepté
patient-declined = Refusé
patient-facts =
    { $contact ->
        [none] aucun contact donné
       *[other] { $contact }
    } · vous a désigné le { $named } · { $notes ->
        [0] aucune note partagée
        [one] { $notes } note partagée
       *[other] { $notes } notes partagées
    }
patient-new-key =
    { $count ->
        [one] { $patient } a créé une nouvelle clé et ne peut plus ouvrir { $count } de ses notes. Votre appareil peut la lui rendre.
       *[other] { $patient } a créé une nouvelle clé et ne peut plus ouvrir { $count } de ses notes. Votre appareil peut les lui rendre.
    }
patient-give-back = Rendre les notes
patient-accept = Accepter
patient-decline = Refuser
patient-stop-following = Ne plus suivre
patient-given-back =
    { $count ->
        [one] { $patient } peut de nouveau ouvrir { $count } note.
       *[other] { $patient } peut de nouveau ouvrir { $count } notes.
    }
patient-accepted-now = { $patient } est maintenant votre patient : ses notes vous seront partagées.
patient-declined-now = { $patient } : plus rien de nouveau ne vous sera partagé.

## Changer le numéro de mobile ou l'adresse e-mail du compte

verify = Vérifier
send-new-code = Envoyez un nouveau code.
phone-verified = Votre numéro de mobile est vérifié : vous pouvez maintenant vous connecter par SMS.
email-changed = Votre adresse e-mail a changé : connectez-vous désormais avec elle. Votre ancienne adresse a été prévenue, au cas où ce ne serait pas vous.

## Où le compte est connecté

session-facts =
    Connecté le { $created } · vu pour la dernière fois le { $seen }{ $place ->
        [none] {""}
       *[other] {" "}· connecté près de { $place }
    }{ $here ->
        [yes] {" "}· cet appareil
       *[no] {""}
    }
session-end-confirm = Déconnecter { $device }
session-ended = Cet appareil est déconnecté. Il lui faudra un nouveau code pour se reconnecter.
sessions-end-others-confirm = Déconnecter maintenant tous les autres appareils
sessions-ended =
    { $count ->
        [one] { $count } autre appareil est déconnecté.
       *[other] { $count } autres appareils sont déconnectés.
    }

## L'accueil

home-title-guest = Bonjour (mode invité)
home-title-named = Bonjour, { $person }
home-carried =
    { $count ->
        [one] Ce que vous avez fait en mode invité est maintenant dans votre compte : { $count } note et vos préférences.
       *[other] Ce que vous avez fait en mode invité est maintenant dans votre compte : { $count } notes et vos préférences.
    }
role-is-clinician = Soignant
role-is-patient = Patient
home-id-label-clinician = Votre identifiant { -brand } (à donner à vos patients)
none = Aucun
clinician-choose = Choisir un soignant
phone-not-verified = { $phone } (pas encore vérifié)
phone-verify = Le vérifier
email-add = Ajouter une adresse e-mail
notes-title-clinician = Notes : les vôtres et celles de vos patients
note-hint-clinician = Chiffrée sur cet appareil pour vous uniquement. Les notes que vos patients vous partagent sont listées ci-dessous.
note-hint-alone = Chiffrée sur cet appareil pour vous uniquement. Le serveur la conserve sous une forme illisible.
note-hint-until-accepted = Chiffrée sur cet appareil pour vous uniquement jusqu'à ce que votre soignant accepte votre demande ; il pourra alors la lire aussi. Le serveur la conserve sous une forme illisible.
backup-status =
    { $password ->
        [none] Pas encore de mot de passe de sauvegarde : si cet appareil est perdu, votre clé l'est aussi.
       *[other] Sauvegarde par mot de passe enregistrée le { $password }.
    } { $recovery ->
        [none] Pas encore de clé de secours.
       *[other] Clé de secours créée le { $recovery }.
    }
home-backup-change-again = Changer le mot de passe de sauvegarde
notes-need-key = Restaurez votre clé sur cet appareil pour lire vos notes.
activity-item =
    { $at } : { $action ->
        [backup_stored-password] sauvegarde par mot de passe enregistrée
        [backup_stored-recovery] sauvegarde par clé de secours enregistrée
        [backup_fetched-password] sauvegarde par mot de passe téléchargée
        [backup_fetched-recovery] sauvegarde par clé de secours téléchargée
        [transfer_offered] clé proposée à un nouvel appareil
        [transfer_taken] clé reprise par un nouvel appareil
        [key_registered] nouvelle clé enregistrée
        [key_revoked] clé révoquée
        [password_tried] mot de passe de sauvegarde essayé
        [password_confirmed] mot de passe de sauvegarde confirmé
        [password_locked] sauvegarde par mot de passe verrouillée après trop d'essais
       *[other] { $raw }
    } (depuis { $ip })
id-copied = Votre identifiant { -brand } a été copié.
id-selected = Votre identifiant { -brand } est sélectionné : copiez-le avec Ctrl+C.
logged-out = Déconnexion effectuée.

## Les invitations

invitation-facts =
    { $count ->
        [one] Elle admet encore { $count } patient, jusqu'au { $until }.
       *[other] Elle admet encore { $count } patients, jusqu'au { $until }.
    }
invitation-listed =
    { $count ->
        [one] Créée à { $made }. Elle admet encore { $count } patient, jusqu'au { $until }.
       *[other] Créée à { $made }. Elle admet encore { $count } patients, jusqu'au { $until }.
    }
invitation-ready = Votre invitation est prête : faites scanner le code à votre patient, ou envoyez-lui le lien.
invitation-copied = Le lien d'invitation a été copié.
invitation-selected = Le lien d'invitation est sélectionné : copiez-le avec Ctrl+C.
invitation-withdrawn = L'invitation est retirée : plus personne ne peut vous rejoindre par elle.
invited-register = Invitation de { $clinician }. Remplissez vos informations pour créer votre compte.
invited-follows = Invitation de { $clinician } : { $clinician } vous suivra dès que votre compte existera.
invitation-for-you = { $clinician } vous invite à partager vos notes avec lui. Si vous acceptez, il devient votre soignant et voit vos notes, y compris les plus anciennes.
invitation-for-patients = Cette invitation de { $clinician } est destinée aux patients ; le compte connecté ici est celui d'un soignant.
invitation-accepted = { $clinician } est maintenant votre soignant.
invitation-set-aside = L'invitation est mise de côté.
invite-patients =
    { $count ->
        [one] { $count } patient
       *[other] { $count } patients
    }
invite-minutes-option =
    { $count ->
        [one] { $count } minute
       *[other] { $count } minutes
    }
invite-hours-option =
    { $count ->
        [one] { $count } heure
       *[other] { $count } heures
    }
invite-days-option =
    { $count ->
        [one] { $count } jour
       *[other] { $count } jours
    }

## La clé de l'appareil, son mot de passe de sauvegarde et sa clé de secours

key-step-primes = Recherche de deux grands nombres premiers ({ $seconds } s)…
key-step-storing = Enregistrement de la clé privée dans le trousseau de cet ordinateur…
key-step-registering = Envoi de votre clé publique au serveur…
key-step-done = Votre clé est prête.
key-not-registered = Votre clé n'est pas encore enregistrée : confirmez que c'est bien vous pour terminer.
key-ready = Votre clé de chiffrement est prête.
backup-step-fetching = Récupération de votre sauvegarde…
backup-step-deriving = Traitement de votre mot de passe (volontairement lent) : { $seconds } s
backup-step-storing = Enregistrement…
backup-step-done = Terminé.
backup-title-change = Changer votre mot de passe de sauvegarde
strength-said =
    { $score ->
        [0] Très faible
        [1] Faible
        [2] Moyen
        [3] Presque assez solide
       *[4] Très solide
    }{ $acceptable ->
        [yes] {""}
       *[no] {"\u00A0"}: trop facile à deviner.
    } { $advice }
backup-saved = Votre sauvegarde est enregistrée.
recovery-set = Votre clé de secours est en place.
key-facts =
    Créée le { $made }{ $revoked ->
        [none] { $here ->
            [yes] {" "}· cet appareil
           *[no] {""}
        }
       *[other] {" "}· révoquée le { $revoked }
    }
key-revoke = Révoquer
key-revoke-confirm = Révoquer définitivement cette clé
key-revoked = La clé est révoquée : plus rien de nouveau n'est chiffré pour elle.

## Les conseils de zxcvbn sur un mot de passe de sauvegarde

strength-StraightRowsOfKeysAreEasyToGuess = Les rangées de touches sont faciles à deviner.
strength-ShortKeyboardPatternsAreEasyToGuess = Les motifs courts sur le clavier sont faciles à deviner.
strength-RepeatsLikeAaaAreEasyToGuess = Les répétitions comme « aaa » sont faciles à deviner.
strength-RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess = Les répétitions comme « abcabcabc » ne sont guère plus difficiles à deviner que « abc ».
strength-ThisIsATop10Password = C'est l'un des 10 mots de passe les plus courants.
strength-ThisIsATop100Password = C'est l'un des 100 mots de passe les plus courants.
strength-ThisIsACommonPassword = C'est un mot de passe très courant.
strength-ThisIsSimilarToACommonlyUsedPassword = Il ressemble à un mot de passe très utilisé.
strength-SequencesLikeAbcAreEasyToGuess = Les suites comme abc ou 6543 sont faciles à deviner.
strength-RecentYearsAreEasyToGuess = Les années récentes sont faciles à deviner.
strength-AWordByItselfIsEasyToGuess = Un mot seul est facile à deviner.
strength-DatesAreOftenEasyToGuess = Les dates sont souvent faciles à deviner.
strength-NamesAndSurnamesByThemselvesAreEasyToGuess = Les prénoms et les noms seuls sont faciles à deviner.
strength-CommonNamesAndSurnamesAreEasyToGuess = Les prénoms et les noms courants sont faciles à deviner.
strength-UseAFewWordsAvoidCommonPhrases = Utilisez plusieurs mots, et évitez les expressions courantes.
strength-NoNeedForSymbolsDigitsOrUppercaseLetters = Pas besoin de symboles, de chiffres ni de majuscules.
strength-AddAnotherWordOrTwo = Ajoutez un ou deux mots. Les mots rares sont meilleurs.
strength-CapitalizationDoesntHelpVeryMuch = Les majuscules n'aident pas beaucoup.
strength-AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase = Tout en majuscules est presque aussi facile à deviner que tout en minuscules.
strength-ReversedWordsArentMuchHarderToGuess = Les mots écrits à l'envers ne sont guère plus difficiles à deviner.
strength-PredictableSubstitutionsDontHelpVeryMuch = Les substitutions prévisibles, comme @ pour a, n'aident pas beaucoup.
strength-UseALongerKeyboardPatternWithMoreTurns = Utilisez un motif de clavier plus long, avec plus de changements de direction.
strength-AvoidRepeatedWordsAndCharacters = Évitez les mots et les caractères répétés.
strength-AvoidSequences = Évitez les suites.
strength-AvoidRecentYears = Évitez les années récentes.
strength-AvoidYearsThatAreAssociatedWithYou = Évitez les années qui sont liées à vous.
strength-AvoidDatesAndYearsThatAreAssociatedWithYou = Évitez les dates et les années qui sont liées à vous.

## Les notes

notes-group =
    { $author ->
        [you] Vous
       *[other] { $author }
    } · { $count ->
        [one] { $count } note
       *[other] { $count } notes
    }
note-author =
    { $author ->
        [you] Vous
       *[other] De { $author }
    }
note-unreadable = Chiffrée pour une clé que cet appareil n'a pas.
note-empty = Écrivez d'abord quelque chose.
note-saved = Votre note est enregistrée, chiffrée.

## Le compte : nom, suppression, téléchargement

name-changed = Votre nom est maintenant { $person }.
account-delete-confirm = Supprimer définitivement mon compte et toutes mes notes
account-deleted = Votre compte est supprimé, avec vos clés, vos sauvegardes et vos notes. Cet appareil n'en garde plus rien.
export-nothing-saved = Rien n'a été enregistré.
export-saved =
    { $count ->
        [one] { $count } note et le reste enregistrés : { $html } (à lire) et { $json }.
       *[other] { $count } notes et le reste enregistrés : { $html } (à lire) et { $json }.
    }{ $opened ->
        [no] {" "}Cet appareil n'a pas de clé pour votre compte : les notes sont donc listées sans leur texte.
       *[yes] {""}
    }
export-saved-announce = Vos données sont enregistrées à l'endroit choisi.

## Confirmer que c'est bien le titulaire du compte

proof-sent = Pour protéger votre compte, confirmez d'abord que c'est bien vous : nous avons envoyé un code à { $length } chiffres à { $login }.
proof-new-code = Voici un nouveau code.

## Restaurer la clé

restore-make-new = Créer une nouvelle clé
file-unreadable = Le fichier n'a pas pu être lu.
restore-new-tick = Cochez d'abord « Je comprends » : une nouvelle clé ne peut pas lire ce qui a été chiffré pour l'ancienne.
restore-tries = { $tries ->
        [0] Trop de mots de passe erronés : la sauvegarde par mot de passe est verrouillée. Restaurez avec votre clé de secours, ou depuis un autre de vos appareils.
        [one] Le serveur autorise encore 1 essai avec ce mot de passe. Ensuite, la sauvegarde par mot de passe se verrouille, et seuls votre clé de secours ou un autre de vos appareils peuvent rétablir votre clé.
       *[other] Le serveur autorise encore { $tries } essais avec ce mot de passe. Ensuite, la sauvegarde par mot de passe se verrouille, et seuls votre clé de secours ou un autre de vos appareils peuvent rétablir votre clé.
    }
restore-choose-file = Choisissez d'abord le fichier de sauvegarde.
restore-done = Votre clé est restaurée sur cet appareil.

## Réglages, à propos, mises à jour

appearance-saved = Apparence enregistrée.
server-embedded = Utilise le serveur intégré à l'adresse { $url }.
server-environment = Utilise { $url }, défini par CAREKEY_SERVER_URL.
server-chosen = Utilise { $url }.
server-locked = Retirez CAREKEY_SERVER_URL pour choisir le serveur ici.
about-version = Version { $version }.
diagnostics-copied = Copié. Collez-le dans votre message à l'assistance.
diagnostics-not-copied = Le presse-papiers est inaccessible : sélectionnez le texte ci-dessous et copiez-le.
licences-frame = Les licences des logiciels inclus dans { -brand }
update-ready-app = { -brand } { $version } est prêt à être installé. { -brand } redémarre pour l'installer ; rien de ce que vous avez enregistré n'est perdu.
update-ready-system = { -brand } { $version } est prêt à être installé. Le gestionnaire de mises à jour de votre système vous le proposera, ou lancez : sudo apt install --only-upgrade carekey
update-installed = { -brand } { $version } est installé. Fermez puis rouvrez { -brand } pour l'utiliser.
update-downloading = Téléchargement et vérification de la mise à jour…

## Le démarrage et les liens

server-lost = { -brand } ne peut pas joindre le serveur pour le moment. Il continue d'essayer.
server-back = { -brand } joint de nouveau le serveur.
link-unusable = Ce lien n'a pas pu être utilisé.
link-logged-in = Connexion réussie grâce au lien de votre message.

## Envoyer la clé à un nouvel appareil, et le fichier de sauvegarde

transfer-expired = Le code de transfert a expiré. Créez-en un nouveau si vous en avez encore besoin.
transfer-intro = Sur votre nouvel appareil, connectez-vous, choisissez « Mon autre appareil, qui a la clé », et collez ce code (ou scannez-le). Il ne sert qu'une fois, encore { $left }.
transfer-copied = Le code de transfert a été copié.
transfer-selected = Le code de transfert est sélectionné : copiez-le avec Ctrl+C.
export-saved-to = Enregistré dans { $path }
export-file-saved = Votre fichier de sauvegarde est enregistré dans { $path }.

## Se connecter avec WhatsApp

whatsapp-send-to = Ou envoyez ce message à { $number } sur WhatsApp :
whatsapp-expiry = Le message est valable jusqu'à { $until }.
whatsapp-too-late = Le message n'a pas été envoyé à temps. Revenez en arrière et recommencez.
whatsapp-sender = Votre message est arrivé du numéro WhatsApp { $number }. Est-ce bien votre numéro ?
whatsapp-sender-announce = Message reçu de { $number }. Confirmez que c'est votre numéro.
whatsapp-replied = Nous avons répondu sur WhatsApp ({ $number }). Touchez le lien qui s'y trouve, ou tapez ici le code à { $length } chiffres. Il est valable jusqu'à { $until }.
whatsapp-not-yours = Le message venait d'un numéro qui n'est pas le vôtre : personne n'a été connecté. Recommencez, et envoyez le message depuis votre propre WhatsApp.

## La boîte de réception de test

inbox-to =
    { $channel ->
        [sms] SMS à { $to }
       *[email] E-mail à { $to }
    }
backup-skipped = Aucune sauvegarde définie. Vous pourrez en définir une depuis l'écran d'accueil.

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
error-verifier_mismatch = Cette connexion a été commencée sur un autre appareil. Recommencez sur celui-ci.
error-invalid_clinician = Ce n'est pas l'identifiant { -brand } d'un soignant inscrit. Vérifiez-le auprès de votre soignant.
error-invalid_token = Votre session est terminée. Veuillez vous reconnecter.
error-token_reused = Votre session a été utilisée depuis deux endroits à la fois : elle a été fermée pour protéger votre compte. Veuillez vous reconnecter.
error-session_revoked = Vous avez été déconnecté, depuis un autre de vos appareils ou parce qu'un changement de votre connexion a été signalé comme ne venant pas de vous. Veuillez vous reconnecter.
error-session_ended = Votre session est terminée. Veuillez vous reconnecter.
error-contact_taken = Cette adresse e-mail ou ce numéro de téléphone sert déjà à se connecter à un autre compte.
error-not_found = Ceci n'existe plus. Il a peut-être été supprimé sur un autre appareil.
error-invalid_link = Ce lien est abîmé ou ne vient pas de { -brand }. Utilisez le lien complet du message, ou demandez un nouveau code.
error-approval_pending = La connexion n'a pas encore été approuvée.
error-whatsapp_pending = Le message WhatsApp n'est pas encore arrivé.
error-no_backup = Votre compte n'a pas de sauvegarde de ce type.
error-version_conflict = Votre sauvegarde a été modifiée sur un autre appareil. Réessayez.
error-unknown_transfer = Ce code de transfert est inconnu ou a déjà servi. Créez-en un nouveau sur l'appareil qui a votre clé.
error-transfer_expired = Ce code de transfert a attendu trop longtemps et a été supprimé. Créez-en un nouveau sur l'appareil qui a votre clé.
error-invalid_invitation = Ce lien d'invitation ne fonctionne pas. Vérifiez que le lien a été copié en entier, ou tapez l'identifiant { -brand } de votre soignant.
error-invitation_ended = Cette invitation a expiré, a déjà servi ou a été retirée. Demandez-en une nouvelle à votre soignant, ou tapez son identifiant { -brand }.
error-unavailable = Le serveur ne peut pas répondre pour le moment. Réessayez dans un instant.
error-request_timeout = La demande a pris trop de temps. Réessayez.
error-fresh_proof_required = Pour faire ce changement, confirmez d'abord que c'est bien vous avec un code envoyé à l'adresse e-mail ou au téléphone de votre compte.
error-quota_exceeded = Votre compte a atteint sa limite de stockage. Supprimez d'abord quelque chose.
error-account_disabled = Ce compte a été désactivé par les personnes qui gèrent ce serveur { -brand }. Adressez-vous à votre cabinet ou à votre établissement.
error-internal_error = Un problème est survenu sur le serveur. Veuillez réessayer.
error-unreachable = Impossible de joindre le serveur { -brand }. Vérifiez la connexion et réessayez.
error-bad_answer = La réponse du serveur est incompréhensible. Réessayez plus tard.
error-no_pending_login = Aucune connexion n'est en cours. Recommencez.
error-not_logged_in = Vous n'êtes pas connecté.
error-crypto_failed = La clé de chiffrement n'a pas pu être créée ou lue. Réessayez.
error-storage_failed = { -brand } n'a pas pu lire ou écrire un fichier dont il a besoin. Vérifiez le dossier et l'espace libre, puis réessayez.
error-not_a_backup = Ce n'est pas une sauvegarde de clé { -brand }.
error-backup_too_new = Cette sauvegarde a été faite par une version plus récente de { -brand }. Mettez d'abord l'application à jour.
error-wrong_backup_kind = Ce n'est pas le bon type de sauvegarde pour cela.
error-backup_parameters = La protection de cette sauvegarde n'est pas de celles que { -brand } accepte.
error-backup_wrong_owner = Cette sauvegarde appartient à un autre compte.
error-wrong_secret = Le mot de passe ou la clé n'est pas le bon, ou la sauvegarde a été modifiée.
error-backup_damaged = Cette sauvegarde est abîmée.
error-malformed_recovery_key = Une clé de secours compte 52 lettres et chiffres (13 groupes de 4). Vérifiez ce que vous avez tapé.
error-malformed_transfer_code = Ce n'est pas un code de transfert { -brand }. Copiez-le de nouveau depuis l'autre appareil.
error-weak_password = Ce mot de passe est trop facile à deviner. Utilisez au moins quatre mots sans rapport entre eux, ou une longue phrase qui ne viendrait à l'esprit de personne d'autre que vous.
error-no_key = Cet appareil n'a pas encore de clé pour ce compte.
error-foreign_link = Ce n'est pas un lien { -brand }.
error-not_a_login_link = Ce lien { -brand } est l'invitation d'un soignant, pas une connexion.
error-link_not_for_this_device = Ce lien correspond à une connexion commencée sur un autre appareil, ou déjà terminée. Demandez un nouveau code sur cet appareil.
error-has_key = Cet appareil a déjà une clé pour ce compte.
error-captcha_cancelled = La vérification n'a pas été terminée. Réessayez.
error-server_unavailable = Le serveur intégré n'a pas pu démarrer. Vérifiez que le dossier de données de l'application est accessible en écriture.
error-passwords_differ = Les deux mots de passe ne sont pas identiques. Tapez-les de nouveau.
error-server_locked = Le serveur est défini par CAREKEY_SERVER_URL. Retirez cette variable pour le changer ici.
error-invalid_server_url = Indiquez l'adresse du serveur, par exemple https://carekey.example.org.
error-invitation_forgotten = L'invitation n'est plus ouverte dans { -brand }. Ouvrez de nouveau son lien, ou tapez l'identifiant { -brand } de votre soignant.
error-no_update = Il n'y a pas de mise à jour à installer.
error-update_failed = La mise à jour n'a pas pu être téléchargée ou installée. Rien n'a changé ; { -brand } vérifiera de nouveau plus tard.
error-update_by_system = Le gestionnaire de mises à jour de votre système installe les mises à jour de { -brand }.
error-update_waits = Terminez d'abord ce que vous faites (ou revenez en arrière) ; la mise à jour restera prête.
error-name_needed = Indiquez un prénom et un nom.
error-no_server_there = Aucun serveur { -brand } ne répond à cette adresse. Vérifiez l'adresse et la connexion.
error-invalid_request = { -brand } a envoyé une demande que le serveur ne peut pas accepter. Vérifiez ce que vous avez saisi et réessayez ; si cela se reproduit, mettez { -brand } à jour.
error-invalid_recipient = Les personnes qui peuvent lire cette note ont changé entre-temps (une clé ajoutée ou retirée, ou un changement de soignant). Réessayez.
error-invalid_name = Un nom compte au plus 100 caractères, sans tabulation ni retour à la ligne.
error-file_needed = Choisissez d'abord le fichier de sauvegarde.
error-backup_locked = Le mot de passe de sauvegarde a été essayé trop de fois : la sauvegarde par mot de passe est verrouillée. Restaurez avec votre clé de secours, ou depuis un autre de vos appareils ; puis créez une nouvelle sauvegarde par mot de passe.
error-backup_key_lost = Le serveur ne peut plus vérifier votre mot de passe de sauvegarde (sa clé a été perdue). Restaurez avec votre clé de secours, ou depuis un autre de vos appareils.
error-wrong_backup_password = { $attemptsLeft ->
        [0] Ce mot de passe n'est pas le bon, et c'était le dernier essai : la sauvegarde par mot de passe est maintenant verrouillée. Restaurez avec votre clé de secours, ou depuis un autre de vos appareils.
        [one] Ce mot de passe n'est pas le bon. Il reste 1 essai avant que la sauvegarde par mot de passe se verrouille.
       *[other] Ce mot de passe n'est pas le bon. Il reste { $attemptsLeft } essais avant que la sauvegarde par mot de passe se verrouille.
    }
error-oprf_unverified = La réponse du serveur à la vérification du mot de passe n'a pas pu être vérifiée : rien n'a été essayé avec elle. Réessayez plus tard ; si cela persiste, prévenez les personnes qui gèrent votre serveur { -brand }.
error-contact_needed = Indiquez une adresse e-mail ou un numéro de téléphone.
error-note_length = Une note compte de 1 à 4 000 caractères.
error-own_key = C'est la clé de cet appareil. Révoquez-la depuis un autre de vos appareils.
error-patients_remain = { $patients ->
        [0] Des patients vous désignent encore comme leur soignant : votre compte ne peut pas encore être supprimé, car ils se retrouveraient sans personne.
        [one] { $patients } patient vous désigne encore comme son soignant : votre compte ne peut pas encore être supprimé, car il se retrouverait sans personne.
       *[other] { $patients } patients vous désignent encore comme leur soignant : votre compte ne peut pas encore être supprimé, car ils se retrouveraient sans personne.
    } Demandez aux personnes qui gèrent votre serveur { -brand } de les confier à un autre soignant, ou demandez d'abord à vos patients d'en choisir un autre dans l'application.
