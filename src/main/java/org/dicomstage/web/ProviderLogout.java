package org.dicomstage.web;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.web.authentication.logout.LogoutSuccessHandler;

/**
 * Signing out of DICOM Stage signs out of the OpenID provider too (RP-initiated logout): otherwise the provider's own
 * session would sign the next visitor of this browser straight back in, as the same user, without a password.
 *
 * <p>The provider's end-session endpoint comes from its discovery document when the registration has an
 * {@code issuer-uri}, or from {@code dicomstage.security.end-session-uri} when it names its endpoints one by one (the
 * compose stack does: the browser and the application reach Keycloak under different host names). With neither, the
 * sign-out ends only the application's session.
 */
final class ProviderLogout {

    /** Where a signed-out user lands, after the provider when it takes part. */
    static final String SIGNED_OUT = "/login?logout";
    private static final String END_SESSION = "end_session_endpoint";

    private final ClientRegistrationRepository registrations;
    private final String endSessionUri;

    ProviderLogout(ClientRegistrationRepository registrations, String endSessionUri) {
        this.registrations = registrations;
        this.endSessionUri = endSessionUri == null ? "" : endSessionUri.strip();
    }

    LogoutSuccessHandler successHandler() {
        OidcClientInitiatedLogoutSuccessHandler handler = new OidcClientInitiatedLogoutSuccessHandler(this::find);
        handler.setPostLogoutRedirectUri("{baseUrl}" + SIGNED_OUT);
        handler.setDefaultTargetUrl(SIGNED_OUT);
        return handler;
    }

    /**
     * The origins of the end-session endpoints: the sign-out form's redirect goes there, and the content security
     * policy's form-action must allow it.
     */
    List<String> origins() {
        List<String> origins = new ArrayList<>();
        if (registrations instanceof Iterable<?> all) {
            for (Object registration : all) {
                Object endpoint = endSession(find(((ClientRegistration) registration).getRegistrationId()));
                if (endpoint != null) {
                    URI uri = URI.create(endpoint.toString());
                    String origin = uri.getScheme() + "://" + uri.getRawAuthority();
                    if (!origins.contains(origin)) {
                        origins.add(origin);
                    }
                }
            }
        }
        return origins;
    }

    /** The registration, with the configured end-session endpoint where discovery gave none. */
    private ClientRegistration find(String registrationId) {
        ClientRegistration registration = registrations.findByRegistrationId(registrationId);
        if (registration == null || endSessionUri.isEmpty() || endSession(registration) != null) {
            return registration;
        }
        Map<String, Object> metadata = new HashMap<>(registration.getProviderDetails().getConfigurationMetadata());
        metadata.put(END_SESSION, endSessionUri);
        return ClientRegistration.withClientRegistration(registration).providerConfigurationMetadata(metadata).build();
    }

    private static Object endSession(ClientRegistration registration) {
        return registration.getProviderDetails().getConfigurationMetadata().get(END_SESSION);
    }
}
