{{/* Names and labels of the Spark driver's identity. */}}

{{- define "who-is-on-screen.spark.serviceAccountName" -}}
{{- $created := include "who-is-on-screen.componentName" (list . "spark") }}
{{- default $created .Values.spark.serviceAccount.name }}
{{- end }}

{{- define "who-is-on-screen.spark.labels" -}}
{{- include "who-is-on-screen.labels" (list . "spark") }}
{{- end }}
