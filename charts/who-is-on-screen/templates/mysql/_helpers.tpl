{{/* Names, labels and the connection URL of the chart's MySQL server. */}}

{{- define "who-is-on-screen.mysql.name" -}}
{{- include "who-is-on-screen.componentName" (list . "mysql") }}
{{- end }}

{{- define "who-is-on-screen.mysql.headlessName" -}}
{{- include "who-is-on-screen.componentName" (list . "mysql-headless") }}
{{- end }}

{{- define "who-is-on-screen.mysql.labels" -}}
{{- include "who-is-on-screen.labels" (list . "mysql") }}
{{- end }}

{{- define "who-is-on-screen.mysql.selectorLabels" -}}
{{- include "who-is-on-screen.selectorLabels" (list . "mysql") }}
{{- end }}

{{/* The Secret with `mysql-root-password` and `mysql-password`. */}}
{{- define "who-is-on-screen.mysql.secretName" -}}
{{- default (include "who-is-on-screen.mysql.name" .) .Values.mysql.auth.existingSecret }}
{{- end }}

{{/* The Service's name as seen from any namespace. */}}
{{- define "who-is-on-screen.mysql.host" -}}
{{- printf "%s.%s.svc" (include "who-is-on-screen.mysql.name" .) .Release.Namespace }}
{{- end }}

{{/* The Secret holding the SQLAlchemy URL the operator and jobs read. */}}
{{- define "who-is-on-screen.database.secretName" -}}
{{- $created := include "who-is-on-screen.componentName" (list . "database") }}
{{- default $created .Values.database.existingSecret }}
{{- end }}
