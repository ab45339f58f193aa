package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Where "Sign out" sends the browser in oidc mode: to the provider's end-session endpoint with the ID token and the
 * way back, whether the endpoint comes from discovery or from {@code dicomstage.security.end-session-uri}; without
 * either, straight to the signed-out page. {@link OidcLoginBrowserIT} does it against a real provider.
 */
class ProviderLogoutTest {

    private static final String KEYCLOAK = "http://localhost:18080";
    private static final String END_SESSION = KEYCLOAK + "/auth/realms/dicomstage/protocol/openid-connect/logout";

    @Test
    void namedEndpointsSignOutAtTheConfiguredEndSessionEndpoint() throws Exception {
        ProviderLogout logout = new ProviderLogout(registrations(Map.of()), END_SESSION);

        assertThat(signOut(logout)).startsWith(END_SESSION + "?")
                .satisfies(location -> assertThat(UriComponentsBuilder.fromUriString(location).build().getQueryParams()
                        .toSingleValueMap()).containsEntry("id_token_hint", "id-token-of-researcher")
                        .containsEntry("post_logout_redirect_uri", "http://localhost:8080/login?logout"));
        assertThat(logout.origins()).containsExactly(KEYCLOAK);
        assertThat(WebSecurity.contentSecurityPolicy(logout.origins()))
                .contains("; form-action 'self' " + KEYCLOAK + "; ");
    }

    @Test
    void discoveredEndpointIsUsedAsDiscovered() throws Exception {
        String discovered = "https://sso.example.org/realms/dicomstage/protocol/openid-connect/logout";
        ProviderLogout logout = new ProviderLogout(registrations(Map.of("end_session_endpoint", discovered)),
                END_SESSION);

        assertThat(signOut(logout)).startsWith(discovered + "?");
        assertThat(logout.origins()).containsExactly("https://sso.example.org");
    }

    @Test
    void withoutAnEndSessionEndpointOnlyTheApplicationSignsOut() throws Exception {
        ProviderLogout logout = new ProviderLogout(registrations(Map.of()), " ");

        assertThat(signOut(logout)).isEqualTo("/login?logout");
        assertThat(logout.origins()).isEmpty();
        assertThat(WebSecurity.contentSecurityPolicy(logout.origins())).contains("; form-action 'self'; ");
    }

    private static String signOut(ProviderLogout logout) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/logout");
        request.setServerName("localhost");
        request.setServerPort(8080);
        MockHttpServletResponse response = new MockHttpServletResponse();
        OidcIdToken idToken = new OidcIdToken("id-token-of-researcher", Instant.now(),
                Instant.now().plusSeconds(300), Map.of("sub", "researcher", "preferred_username", "researcher"));
        DefaultOidcUser user = new DefaultOidcUser(AuthorityUtils.createAuthorityList("ROLE_USER"), idToken,
                "preferred_username");
        logout.successHandler().onLogoutSuccess(request, response,
                new OAuth2AuthenticationToken(user, user.getAuthorities(), "keycloak"));
        return response.getRedirectedUrl();
    }

    private static InMemoryClientRegistrationRepository registrations(Map<String, Object> discovered) {
        return new InMemoryClientRegistrationRepository(ClientRegistration.withRegistrationId("keycloak")
                .clientId("dicomstage").clientSecret("secret")
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}").scope("openid", "profile")
                .authorizationUri(KEYCLOAK + "/auth/realms/dicomstage/protocol/openid-connect/auth")
                .tokenUri("http://keycloak:18080/auth/realms/dicomstage/protocol/openid-connect/token")
                .jwkSetUri("http://keycloak:18080/auth/realms/dicomstage/protocol/openid-connect/certs")
                .userNameAttributeName("preferred_username")
                .providerConfigurationMetadata(discovered).build());
    }
}
