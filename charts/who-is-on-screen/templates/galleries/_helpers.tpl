{{/* The claim gallery jobs write cast folders to. */}}

{{- define "who-is-on-screen.galleries.claimName" -}}
{{- $created := include "who-is-on-screen.componentName" (list . "galleries") }}
{{- default $created .Values.galleries.existingClaim }}
{{- end }}

{{- define "who-is-on-screen.galleries.labels" -}}
{{- include "who-is-on-screen.labels" (list . "galleries") }}
{{- end }}
